/** The restate adapter's worker: serves the agent workflow on the SDK's HTTP/2 endpoint, on the port the adapter picked. */
import './node20-shim.js';
import { createServer } from 'node:http2';
import * as restate from '@restatedev/restate-sdk';
import { agentVersion, exitWithParent, readWorkerEnv, WorldClient } from '../../harness/agent/index.js';
import { startWorkerTracing } from '../../harness/telemetry/index.js';
import { agentWorkflow } from './agent-workflow.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { restateManifest } from './manifest.js';

const tracing = startWorkerTracing('ordeal-worker-restate');
const env = readWorkerEnv();
exitWithParent(env.parentPid);
const port = Number(process.env.ORDEAL_RESTATE_WORKER_PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error('worker: ORDEAL_RESTATE_WORKER_PORT is not set (the restate adapter sets it)');

const world = new WorldClient(env.worldUrl);
const opts = parseAdapterOptions(restateManifest, env.options);
const handler = restate.createEndpointHandler({
  services: [
    agentWorkflow({
      world,
      workspace: env.workspace,
      idempotency: env.idempotency,
      version: agentVersion(process.env, env.options),
      inactivityTimeoutMs: opts.inactivityTimeoutMs,
      abortTimeoutMs: opts.abortTimeoutMs,
      ...(opts.maxAttempts > 0 ? { maxAttempts: opts.maxAttempts } : {}),
      ...(opts.retryIntervalMs > 0 ? { retryIntervalMs: opts.retryIntervalMs } : {}),
    }),
  ],
});
// Bound to loopback explicitly (restate.serve listens on every interface).
const server = createServer(handler);
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
await world.probe('worker:ready');

// Restate keeps every invocation: nothing to drain, the server retries on the next worker.
const shutdown = async () => {
  await tracing.shutdown(1000); // spans ended so far reach the world before exit
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
