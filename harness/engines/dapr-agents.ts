/**
 * What the dapr-agents adapter runs on: the `daprd` engine, Dapr 1.18.2 (daprd, placement, scheduler; the runtime
 * dapr-agents 1.0.9's `dapr` SDK 1.18.3 is made for; v1.18.2 is the only 1.18 release whose module graph resolves on
 * the Go proxy here), and a Python virtual environment with dapr-agents and the ordeal worker kit. Both are in a plain
 * `ordeal engines install`.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { daprBinary } from './daprd.js';
import { run } from './exec.js';
import { stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

/** The Dapr runtime dapr-agents runs on: the `daprd` engine (daprd.ts), shared with the `dapr` adapter's full mode. */
export const DAPR_AGENTS_RUNTIME = 'daprd';

/** The three binaries of that runtime. */
export const daprAgentsBinary = (root: string, name: 'daprd' | 'placement' | 'scheduler'): string => daprBinary(root, name);

/** dapr-agents' version, then a counter bumped whenever adapters/dapr-agents/requirements.txt changes. */
export const DAPR_AGENTS_PYTHON_VERSION = '1.0.9-1';

/** Where the kit and the dapr-agents worker live in this checkout; workers put them first on PYTHONPATH. */
export const daprAgentsSources = (): string[] => [join(packageRoot, 'python', 'src'), join(packageRoot, 'adapters', 'dapr-agents')];

export const daprAgentsPython: EngineInstall = {
  name: 'dapr-agents',
  version: DAPR_AGENTS_PYTHON_VERSION,
  description: 'a Python 3.11+ virtual environment: dapr-agents 1.0.9 (dapr SDK 1.18.3, dapr-ext-workflow), OpenTelemetry, the ordeal worker kit',
  binary(root) {
    return join(root, 'dapr-agents', 'venv', 'bin', 'python');
  },
  installed(root) {
    return stampedAt(root, daprAgentsPython.name, daprAgentsPython.version, daprAgentsPython.binary(root));
  },
  async install(root: string, log: InstallLog) {
    const venv = join(root, 'dapr-agents', 'venv');
    if (existsSync(venv)) rmSync(venv, { recursive: true, force: true }); // a half-made or older environment
    mkdirSync(join(root, 'dapr-agents'), { recursive: true });
    const py = process.env.ORDEAL_PYTHON || 'python3';
    await run(py, ['-c', 'import sys; assert sys.version_info >= (3, 11), "needs Python 3.11+"'], log);
    await run(py, ['-m', 'venv', venv], log);
    const pip = join(venv, 'bin', 'pip');
    const quiet = ['--no-input', '--disable-pip-version-check', '--progress-bar', 'off'];
    await run(pip, ['install', ...quiet, '-r', join(packageRoot, 'adapters', 'dapr-agents', 'requirements.txt')], log);
    await run(pip, ['install', ...quiet, '--no-deps', '-e', join(packageRoot, 'python')], log);
    // imports what the worker imports, with no network: nothing may fetch data at run time
    await run(daprAgentsPython.binary(root), ['-c', 'import dapr_agents, dapr.ext.workflow, ordeal_worker.telemetry'], log);
    writeStamp(root, daprAgentsPython.name, daprAgentsPython.version);
  },
};
