/** The Temporal worker process: polls the dev server, runs the agent workflow and its activities. */
import { NativeConnection, Worker, type InjectedSinks } from '@temporalio/worker';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { agentVersion, exitWithParent, readWorkerEnv, WorldClient } from '../../harness/agent/index.js';
import { createActivities } from './activities.js';
import { workflowBundlePath } from './bundle.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { temporalManifest } from './manifest.js';
import { workerTelemetry, workflowInterceptorModule } from './telemetry.js';
import { NAMESPACE, TASK_QUEUE, type JournalSinks } from './shared.js';

// first thing: the Node SDK, the case's TRACEPARENT, a resource with service.name and process.pid
const telemetry = workerTelemetry();
const env = readWorkerEnv();
exitWithParent(env.parentPid);
if (!env.engineUrl) throw new Error('temporal worker: ORDEAL_ENGINE_URL (the dev server address) is not set');
const world = new WorldClient(env.worldUrl);
const opts = parseAdapterOptions(temporalManifest, env.options);

const t0 = performance.now();
// version 2 (deploy): a bundle of the new workflow code, its change guarded by patched() with --opt versioning=on
const codePath = await workflowBundlePath([workflowInterceptorModule], agentVersion(process.env, env.options));
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
});
await world.probe('worker:ready', { detail: { bundleMs, startMs: Math.round(performance.now() - t0) } });
await worker.run(); // returns after SIGTERM/SIGINT: the SDK installs those handlers and shuts down gracefully
await connection.close();
await telemetry.shutdown();
process.exit(0);
