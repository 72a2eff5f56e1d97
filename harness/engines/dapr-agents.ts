/**
 * What the dapr-agents adapter runs on: the `daprd` engine, Dapr 1.18.2 (daprd, placement, scheduler; the runtime
 * dapr-agents 1.0.9's `dapr` SDK 1.18.3 is made for; v1.18.2 is the only 1.18 release whose module graph resolves on
 * the Go proxy here), and a Python virtual environment with dapr-agents and the ordeal worker kit. Both are in a plain
 * `ordeal engines install`.
 */
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { daprBinary } from './daprd.js';
import { pythonVenvEngine } from './python-venv.js';

/** The Dapr runtime dapr-agents runs on: the `daprd` engine (daprd.ts), shared with the `dapr` adapter's full mode. */
export const DAPR_AGENTS_RUNTIME = 'daprd';

/** The three binaries of that runtime. */
export const daprAgentsBinary = (root: string, name: 'daprd' | 'placement' | 'scheduler'): string => daprBinary(root, name);

/** dapr-agents' version, then a counter bumped whenever adapters/dapr-agents/requirements.txt changes. */
export const DAPR_AGENTS_PYTHON_VERSION = '1.0.9-1';

/** Where the kit and the dapr-agents worker live in this checkout; workers put them first on PYTHONPATH. */
export const daprAgentsSources = (): string[] => [join(packageRoot, 'python', 'src'), join(packageRoot, 'adapters', 'dapr-agents')];

export const daprAgentsPython = pythonVenvEngine({
  name: 'dapr-agents',
  version: DAPR_AGENTS_PYTHON_VERSION,
  description: 'a Python 3.11+ virtual environment: dapr-agents 1.0.9 (dapr SDK 1.18.3, dapr-ext-workflow), OpenTelemetry, the ordeal worker kit',
  requirements: 'adapters/dapr-agents/requirements.txt',
  imports: ['dapr_agents', 'dapr.ext.workflow', 'ordeal_worker.telemetry'],
});
