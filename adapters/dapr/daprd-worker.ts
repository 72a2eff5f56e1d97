/** The Dapr adapter's worker in daprd mode: @dapr/dapr's WorkflowRuntime hosting the same agent orchestration and activities. */
import { WorkflowRuntime, type WorkflowContext } from '@dapr/dapr';
import { agentVersion, exitWithParent, readWorkerEnv, WorldClient } from '../../harness/agent/index.js';
import { agentActivities, agentOrchestrator, ORCHESTRATOR, type AgentContext } from './agent-orchestration.js';

const env = readWorkerEnv();
exitWithParent(env.parentPid);
if (!env.engineUrl) throw new Error('dapr worker: ORDEAL_ENGINE_URL is not set (the daprd gRPC address)');
const world = new WorldClient(env.worldUrl);
const deps = { world, workspace: env.workspace, idempotency: env.idempotency, version: agentVersion(process.env, env.options) };

/** Dapr's WorkflowContext has methods where durabletask-js has getters; both wrap the same Durable Task context. */
const asAgentContext = (w: WorkflowContext): AgentContext => ({
  get instanceId() {
    return w.getWorkflowInstanceId();
  },
  get isReplaying() {
    return w.isReplaying();
  },
  get currentUtcDateTime() {
    return w.getCurrentUtcDateTime();
  },
  callActivity: (name, input) => w.callActivity(name, input),
  createTimer: (fireAt) => w.createTimer(fireAt),
  waitForExternalEvent: (name) => w.waitForExternalEvent(name),
});

const [daprHost, daprPort] = env.engineUrl.split(':');
const runtime = new WorkflowRuntime({ daprHost: daprHost!, daprPort: daprPort! });
const agent = agentOrchestrator(deps);
// the SDK types workflows as sync generators; its executor awaits next(), so the async generator (for probes) works
runtime.registerWorkflowWithName(ORCHESTRATOR, (ctx: WorkflowContext, input: Parameters<typeof agent>[1]) => agent(asAgentContext(ctx), input));
for (const [name, fn] of Object.entries(agentActivities(deps)))
  runtime.registerActivityWithName(name, (ctx, input) => fn(ctx, input as Parameters<typeof fn>[1]));
await runtime.start();
await world.probe('worker:ready');

const shutdown = async () => {
  await runtime.stop().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
