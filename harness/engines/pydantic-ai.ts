/**
 * What the pydantic-ai adapter runs on: the `temporal` engine (the Temporal CLI dev server, shared with the temporal
 * adapter) and a Python virtual environment with Pydantic AI, its Temporal integration (temporalio) and the ordeal
 * worker kit.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { run } from './exec.js';
import { stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

/** Pydantic AI's version, then a counter bumped whenever adapters/pydantic-ai/requirements.txt changes. */
export const PYDANTIC_AI_PYTHON_VERSION = '2.78.0-1';

/** Where the kit and the pydantic-ai worker live in this checkout; the worker puts them first on PYTHONPATH. */
export const pydanticAiSources = (): string[] => [join(packageRoot, 'python', 'src'), join(packageRoot, 'adapters', 'pydantic-ai')];

export const pydanticAiPython: EngineInstall = {
  name: 'pydantic-ai',
  version: PYDANTIC_AI_PYTHON_VERSION,
  description:
    'a Python 3.11+ virtual environment: Pydantic AI 2.78 with its Temporal integration (temporalio 1.35), OpenTelemetry, the ordeal worker kit',
  binary(root) {
    return join(root, 'pydantic-ai', 'venv', 'bin', 'python');
  },
  installed(root) {
    return stampedAt(root, pydanticAiPython.name, pydanticAiPython.version, pydanticAiPython.binary(root));
  },
  async install(root: string, log: InstallLog) {
    const venv = join(root, 'pydantic-ai', 'venv');
    if (existsSync(venv)) rmSync(venv, { recursive: true, force: true }); // a half-made or older environment
    mkdirSync(join(root, 'pydantic-ai'), { recursive: true });
    const py = process.env.ORDEAL_PYTHON || 'python3';
    await run(py, ['-c', 'import sys; assert sys.version_info >= (3, 11), "needs Python 3.11+"'], log);
    await run(py, ['-m', 'venv', venv], log);
    const pip = join(venv, 'bin', 'pip');
    const quiet = ['--no-input', '--disable-pip-version-check', '--progress-bar', 'off'];
    await run(pip, ['install', ...quiet, '-r', join(packageRoot, 'adapters', 'pydantic-ai', 'requirements.txt')], log);
    await run(pip, ['install', ...quiet, '--no-deps', '-e', join(packageRoot, 'python')], log);
    // imports what the worker imports, with no network: nothing may fetch data at run time
    await run(
      pydanticAiPython.binary(root),
      ['-c', 'import pydantic_ai.durable_exec.temporal, pydantic_ai.models.openai, ordeal_worker.telemetry'],
      log,
    );
    writeStamp(root, pydanticAiPython.name, pydanticAiPython.version);
  },
};
