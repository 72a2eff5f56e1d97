/** The reference adapter's worker process: recovers unfinished instances and runs new ones. */
import { join } from 'node:path';
import { openRuntime } from './runtime/index.js';
import { agentVersion, readWorkerEnv, exitWithParent, WorldClient } from '../../harness/agent/index.js';
// the telemetry modules a worker needs, not the index (which brings the orchestrator's telemetry and the report renderers)
import { ATTR, OPERATION } from '../../harness/telemetry/attributes.js';
import { replayedStepSpan } from '../../harness/telemetry/spans.js';
import { startWorkerTracing } from '../../harness/telemetry/tracing.js';
import { agentWorkflow, MODEL } from './agent-loop.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { referenceManifest } from './manifest.js';

/** sysexits.h: an error occurred while doing I/O on some file. */
const EX_IOERR = 74;

const tracing = startWorkerTracing('ordeal-worker-reference');
const env = readWorkerEnv();
exitWithParent(env.parentPid);
const world = new WorldClient(env.worldUrl);
const opts = parseAdapterOptions(referenceManifest, env.options);

/** The span a journaled step would have had, for its replay marker. */
function replayName(name: string): [string, Record<string, string>] {
  if (name === 'llm') return [`${OPERATION.chat} ${MODEL}`, { [ATTR.operation]: OPERATION.chat, [ATTR.model]: MODEL }];
  const tool = name.startsWith('tool:') ? name.slice(5) : name === 'approval:request' ? 'request_approval' : undefined;
  if (tool) return [`${OPERATION.tool} ${tool}`, { [ATTR.operation]: OPERATION.tool, [ATTR.toolName]: tool }];
  return [`ordeal.step ${name}`, {}];
}

const rt = openRuntime({
  path: join(env.dataDir, 'journal.db'),
  synchronous: opts.synchronous,
  workerId: `worker-${process.pid}`,
  // fail-stop: after a failed fsync this process cannot tell what is on disk; it exits (EX_IOERR) without another
  // write, and the supervisor restarts the worker on what the disk holds (ordeal's, or systemd's in production)
  onDurabilityLost: (e) => {
    process.stderr.write(`reference worker: ${e.message}; exiting (fail-stop) to be restarted on what the disk holds\n`);
    process.exit(EX_IOERR);
  },
  hooks: {
    onStepStart: ({ seq, name, attempt }) =>
      world.probe(name === 'llm' ? 'llm:before' : 'tool:before', { step: seq, attempt, detail: { name } }).then(() => undefined),
    onStepJournaled: ({ seq, name, attempt }) => world.probe('step:journaled', { step: seq, attempt, detail: { name } }).then(() => undefined),
    // how long the runtime waits before the next attempt: the server's retry-after when it gave one, else the backoff
    onStepRetry: ({ seq, name, attempt, delayMs }) =>
      world.probe('step:retry', { step: seq, attempt, detail: { name, delayMs } }).then(() => undefined),
    onReplay: ({ seq, name, attempt, kind }) => {
      if (kind !== 'step') return;
      const [spanName, attributes] = replayName(name);
      replayedStepSpan(spanName, { step: seq, attempt }, attributes);
    },
  },
});
rt.register(
  'agent',
  agentWorkflow({ world, workspace: env.workspace, idempotency: env.idempotency, version: agentVersion(process.env, env.options) }),
);
const worker = rt.runWorker({ pollMs: opts.pollMs });
await world.probe('worker:ready');

const shutdown = async () => {
  await worker.stop();
  rt.close();
  await tracing.shutdown(1000); // spans ended so far reach the world before exit
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
