/** The Python engine: a virtual environment with LangGraph (Python) and ordeal's worker kit, exact pins from PyPI. */
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { pythonVenvEngine, venvDir } from './python-venv.js';

/** LangGraph's version, then a counter bumped whenever python/requirements.txt or the kit's dependencies change. */
export const PYTHON_ENGINE_VERSION = '1.2.22-1';

/** The environment's folder under the engines root. */
export const pythonVenv = (root: string): string => venvDir(root, 'python');

/** Where the kit and the langgraph-py agent live in this checkout; workers put them first on PYTHONPATH. */
export const pythonSources = (): string[] => [join(packageRoot, 'python', 'src'), join(packageRoot, 'adapters', 'langgraph-py')];

export const python = pythonVenvEngine({
  name: 'python',
  version: PYTHON_ENGINE_VERSION,
  description:
    'a Python 3.11+ virtual environment: LangGraph 1.2 (SqliteSaver, PostgresSaver), langchain-openai, OpenTelemetry, the ordeal worker kit',
  requirements: 'python/requirements.txt',
  imports: ['langgraph.checkpoint.sqlite', 'langgraph.checkpoint.postgres', 'langchain_openai', 'ordeal_worker.telemetry'],
});
