/** The reference adapter's worker process: recovers unfinished instances and runs new ones. */
import { join } from 'node:path';
import { openRuntime } from './runtime/index.js';
import { readWorkerEnv, exitWithParent, WorldClient } from '../../harness/agent/index.js';
import { agentWorkflow } from './agent-loop.js';
import { runtimeOptions } from './options.js';

const env = readWorkerEnv();
exitWithParent(env.parentPid);
const world = new WorldClient(env.worldUrl);
const opts = runtimeOptions(env.options);

const rt = openRuntime({
  path: join(env.dataDir, 'journal.db'),
  synchronous: opts.synchronous,
  workerId: `worker-${process.pid}`,
  hooks: {
    onStepStart: ({ seq, name, attempt }) =>
      world.probe(name === 'llm' ? 'llm:before' : 'tool:before', { step: seq, attempt, detail: { name } }).then(() => undefined),
    onStepJournaled: ({ seq, name, attempt }) => world.probe('step:journaled', { step: seq, attempt, detail: { name } }).then(() => undefined),
  },
});
rt.register('agent', agentWorkflow({ world, workspace: env.workspace, idempotency: env.idempotency }));
const worker = rt.runWorker({ pollMs: opts.pollMs });
await world.probe('worker:ready');

const shutdown = async () => {
  await worker.stop();
  rt.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
