/**
 * What the pydantic-ai adapter runs on: the `temporal` engine (the Temporal CLI dev server, shared with the temporal
 * adapter) and a Python virtual environment with Pydantic AI, its Temporal integration (temporalio) and the ordeal
 * worker kit.
 */
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { pythonVenvEngine } from './python-venv.js';

/** Pydantic AI's version, then a counter bumped whenever adapters/pydantic-ai/requirements.txt changes. */
export const PYDANTIC_AI_PYTHON_VERSION = '2.78.0-1';

/** Where the kit and the pydantic-ai worker live in this checkout; the worker puts them first on PYTHONPATH. */
export const pydanticAiSources = (): string[] => [join(packageRoot, 'python', 'src'), join(packageRoot, 'adapters', 'pydantic-ai')];

export const pydanticAiPython = pythonVenvEngine({
  name: 'pydantic-ai',
  version: PYDANTIC_AI_PYTHON_VERSION,
  description:
    'a Python 3.11+ virtual environment: Pydantic AI 2.78 with its Temporal integration (temporalio 1.35), OpenTelemetry, the ordeal worker kit',
  requirements: 'adapters/pydantic-ai/requirements.txt',
  imports: ['pydantic_ai.durable_exec.temporal', 'pydantic_ai.models.openai', 'ordeal_worker.telemetry'],
});
