/** The Dapr adapter's worker: a Durable Task worker that hosts the agent orchestration and its activities. */
import { TaskHubGrpcWorker } from '@dapr/durabletask-js';
import { agentVersion, exitWithParent, readWorkerEnv, WorldClient } from '../../harness/agent/index.js';
import { startWorkerTracing } from '../../harness/telemetry/index.js';
import { agentActivities, agentOrchestrator, ORCHESTRATOR } from './agent-orchestration.js';

const tracing = startWorkerTracing('ordeal-worker-dapr');
const env = readWorkerEnv();
exitWithParent(env.parentPid);
if (!env.engineUrl) throw new Error('dapr worker: ORDEAL_ENGINE_URL is not set (the sidecar address)');
const world = new WorldClient(env.worldUrl);
const deps = { world, workspace: env.workspace, idempotency: env.idempotency, version: agentVersion(process.env, env.options) };

const worker = new TaskHubGrpcWorker(env.engineUrl);
// the SDK types orchestrators as sync generators; it awaits next(), so an async generator (for probes) works
worker.addNamedOrchestrator(ORCHESTRATOR, agentOrchestrator(deps));
for (const [name, fn] of Object.entries(agentActivities(deps))) worker.addNamedActivity(name, fn);
await worker.start();
await world.probe('worker:ready');

const shutdown = async () => {
  await worker.stop().catch(() => undefined);
  await tracing.shutdown(1000); // spans ended so far reach the world before exit
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
