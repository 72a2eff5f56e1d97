/** The Temporal worker process: polls the dev server, runs the agent workflow and its activities. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type InjectedSinks } from '@temporalio/worker';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { agentVersion, exitWithParent, readWorkerEnv, WorldClient } from '../../harness/agent/index.js';
import { createActivities } from './activities.js';
import { workflowBundlePath } from './bundle.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { temporalManifest } from './manifest.js';
import { workerTelemetry, workflowInterceptorModule } from './telemetry.js';
import { NAMESPACE, TASK_QUEUE, type JournalSinks } from './shared.js';
import { deploymentOptions, promoteOwnVersion } from './worker-versioning.js';

// first thing: the Node SDK, the case's TRACEPARENT, a resource with service.name and process.pid
const telemetry = workerTelemetry();
const env = readWorkerEnv();
exitWithParent(env.parentPid);
if (!env.engineUrl) throw new Error('temporal worker: ORDEAL_ENGINE_URL (the dev server address) is not set');
const world = new WorldClient(env.worldUrl);
const opts = parseAdapterOptions(temporalManifest, env.options);

const t0 = performance.now();
// version 2 (deploy): a bundle of the new workflow code, its change guarded by patched() with --opt versioning=on
const version = agentVersion(process.env, env.options);
const codePath = await workflowBundlePath([workflowInterceptorModule], version);
const bundleMs = Math.round(performance.now() - t0);

// Probes are fire-and-forget for the workflow; a held probe is the world's way to kill us at that point.
const sinks: InjectedSinks<JournalSinks & { exporter: OpenTelemetryWorkflowExporter }> = {
  exporter: telemetry.exporterSink,
  journal: {
    stepJournaled: {
      fn: (_info, step, name) => void world.probe('step:journaled', { step, detail: { name } }).catch(() => undefined),
      callDuringReplay: false,
    },
    approvalWaiting: { fn: (_info, id) => void world.probe('approval:waiting', { detail: { id } }).catch(() => undefined), callDuringReplay: false },
  },
};

const connection = await NativeConnection.connect({ address: env.engineUrl });
const worker = await Worker.create({
  connection,
  namespace: NAMESPACE,
  taskQueue: TASK_QUEUE,
  workflowBundle: { codePath },
  activities: createActivities({ world, workspace: env.workspace, idempotency: env.idempotency, runId: env.runId }),
  sinks,
  interceptors: { activity: telemetry.activity },
  stickyQueueScheduleToStartTimeout: opts.stickyMs,
  shutdownGraceTime: '1s',
  // --opt workerVersioning=pinned: a version of the Worker Deployment, its workflows pinned to it
  ...(opts.workerVersioning === 'pinned' ? { workerDeploymentOptions: deploymentOptions(version) } : {}),
});
const running = worker.run(); // returns after SIGTERM/SIGINT: the SDK installs those handlers and shuts down gracefully
if (opts.workerVersioning === 'pinned') {
  const admin = await Connection.connect({ address: env.engineUrl });
  await promoteOwnVersion(new Client({ connection: admin, namespace: NAMESPACE }), version);
  await admin.close();
}
await world.probe('worker:ready', { detail: { bundleMs, startMs: Math.round(performance.now() - t0) } });
await running;
await connection.close();
await telemetry.shutdown();
process.exit(0);
