/**
 * The dbos adapter's worker: DBOS Transact in this process, its system database on the case's PostgreSQL database.
 * `DBOS.launch()` recovers the runs this executor left unfinished, then the queue hands it the new ones.
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import { agentVersion, exitWithParent, readWorkerEnv, WorldClient } from '../../harness/agent/index.js';
import { startWorkerTracing } from '../../harness/telemetry/index.js';
import { agentWorkflow, AGENT, APP_NAME, applicationVersion, QUEUE } from './agent-workflow.js';
import { EXECUTOR_ID, QUEUE_POLL_MS } from './database.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { dbosManifest } from './manifest.js';

const tracing = startWorkerTracing('ordeal-worker-dbos');
const env = readWorkerEnv();
exitWithParent(env.parentPid);
const url = process.env.ORDEAL_DBOS_DATABASE_URL;
if (!url) throw new Error('worker: ORDEAL_DBOS_DATABASE_URL is not set (the dbos adapter sets it)');

const world = new WorldClient(env.worldUrl);
const o = parseAdapterOptions(dbosManifest, env.options);
// version 2 after a deploy: new code in the same workflow, its change behind DBOS.patch() with --opt versioning=on
const version = agentVersion(process.env, env.options);
DBOS.registerWorkflow(agentWorkflow({ world, workspace: env.workspace, idempotency: env.idempotency, version }), { name: AGENT });
const appVersion = applicationVersion(version, o.applicationVersion);
DBOS.setConfig({
  name: APP_NAME,
  systemDatabaseUrl: url,
  // the same executor and version on every restart of a version: launch recovers what the killed worker left PENDING
  executorID: EXECUTOR_ID,
  ...(appVersion ? { applicationVersion: appVersion } : {}),
  enablePatching: version.versioning,
  logLevel: process.env.ORDEAL_DBOS_LOG_LEVEL ?? 'info',
});
await DBOS.launch();
const { queueConcurrency } = o;
const limit = queueConcurrency > 0 ? { globalConcurrency: queueConcurrency, workerConcurrency: queueConcurrency } : {};
await DBOS.registerQueue(QUEUE, { minPollingIntervalMs: QUEUE_POLL_MS, onConflict: 'always_update', ...limit });
await world.probe('worker:ready');

const shutdown = async () => {
  await DBOS.shutdown().catch(() => undefined);
  await tracing.shutdown(1000); // spans ended so far reach the world before exit
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
