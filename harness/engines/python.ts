/** The Python engine: a virtual environment with LangGraph (Python) and ordeal's worker kit, exact pins from PyPI. */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { run } from './exec.js';
import { stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

/** LangGraph's version, then a counter bumped whenever python/requirements.txt or the kit's dependencies change. */
export const PYTHON_ENGINE_VERSION = '1.2.22-1';

/** The environment's folder under the engines root. */
export const pythonVenv = (root: string): string => join(root, 'python', 'venv');

/** Where the kit and the langgraph-py agent live in this checkout; workers put them first on PYTHONPATH. */
export const pythonSources = (): string[] => [join(packageRoot, 'python', 'src'), join(packageRoot, 'adapters', 'langgraph-py')];

export const python: EngineInstall = {
  name: 'python',
  version: PYTHON_ENGINE_VERSION,
  description:
    'a Python 3.11+ virtual environment: LangGraph 1.2 (SqliteSaver, PostgresSaver), langchain-openai, OpenTelemetry, the ordeal worker kit',
  binary(root) {
    return join(pythonVenv(root), 'bin', 'python');
  },
  installed(root) {
    return stampedAt(root, python.name, python.version, python.binary(root));
  },
  async install(root: string, log: InstallLog) {
    const venv = pythonVenv(root);
    if (existsSync(venv)) rmSync(venv, { recursive: true, force: true }); // a half-made or older environment
    mkdirSync(join(root, 'python'), { recursive: true });
    const py = process.env.ORDEAL_PYTHON || 'python3';
    const version = await run(
      py,
      ['-c', 'import sys; print("%d.%d" % sys.version_info[:2]); assert sys.version_info >= (3, 11), "needs Python 3.11+"'],
      log,
    );
    log(`python ${version.trim()} (${py})`);
    await run(py, ['-m', 'venv', venv], log);
    const pip = join(venv, 'bin', 'pip');
    const quiet = ['--no-input', '--disable-pip-version-check', '--progress-bar', 'off'];
    await run(pip, ['install', ...quiet, '-r', join(packageRoot, 'python', 'requirements.txt')], log);
    await run(pip, ['install', ...quiet, '--no-deps', '-e', join(packageRoot, 'python')], log);
    await run(
      python.binary(root),
      ['-c', 'import langgraph.checkpoint.sqlite, langgraph.checkpoint.postgres, langchain_openai, ordeal_worker.telemetry'],
      log,
    );
    writeStamp(root, python.name, python.version);
  },
};
