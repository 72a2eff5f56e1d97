/** The Durable Task sidecar (Dapr Workflow's engine) with its SQLite store in the case's data directory. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TaskHubGrpcClient } from '@dapr/durabletask-js';
import { requireEngine } from '../../harness/engines/index.js';
import { freePorts, waitFor } from '../../harness/launch/index.js';
import type { EngineSpec } from '../../harness/run/adapter.js';

export const durabletaskEngine: EngineSpec = {
  name: 'durabletask',
  async command(ctx, ports) {
    const binary = requireEngine('durabletask');
    // a restart reuses the port, so workers and clients reconnect to the same address
    const grpc = ports?.grpc ?? (await freePorts(1))[0]!;
    mkdirSync(ctx.dataDir, { recursive: true });
    return {
      command: binary,
      args: ['-host', '127.0.0.1', '-port', String(grpc), '-db', join(ctx.dataDir, 'durabletask.sqlite')],
      handle: { url: `127.0.0.1:${grpc}`, ports: { grpc }, linkAddress: `127.0.0.1:${grpc}` },
    };
  },
  async ready(_ctx, handle, timeoutMs, signal) {
    const client = new TaskHubGrpcClient(handle.url);
    try {
      // a gRPC round trip through the backend: unknown instances come back empty, not as an error
      await waitFor(
        `durabletask sidecar at ${handle.url}`,
        async () => {
          await client.getOrchestrationState('ordeal-health-check', false);
          return true;
        },
        timeoutMs,
        100,
        signal,
      );
    } finally {
      await client.stop().catch(() => undefined);
    }
  },
};
