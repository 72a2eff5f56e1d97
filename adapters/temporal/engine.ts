/** The Temporal CLI dev server as the adapter's engine: SQLite file in the data dir, same ports on restart. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { enginesRoot, requireEngine } from '../../harness/engines/index.js';
import { freePorts, waitFor } from '../../harness/launch/index.js';
import { packageRoot } from '../../harness/paths.js';
import type { EngineSpec } from '../../harness/run/adapter.js';
import { NAMESPACE } from './shared.js';

export const temporalEngine: EngineSpec = {
  name: 'temporal',
  async command(ctx, ports) {
    const binary = requireEngine('temporal', enginesRoot(packageRoot));
    let p = ports;
    if (!p) {
      const [grpc, http, metrics] = (await freePorts(3)) as [number, number, number];
      p = { grpc, http, metrics };
    }
    mkdirSync(ctx.dataDir, { recursive: true });
    const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(p.grpc), '--http-port', String(p.http)];
    args.push('--metrics-port', String(p.metrics), '--db-filename', join(ctx.dataDir, 'temporal.db'));
    return { command: binary, args, handle: { url: `127.0.0.1:${p.grpc}`, ports: p, linkAddress: `127.0.0.1:${p.grpc}` } };
  },
  async ready(_ctx, handle, timeoutMs, signal) {
    // a round trip through the frontend to the namespace, not only an open port
    const answers = async (): Promise<boolean> => {
      const conn = await Connection.connect({ address: handle.url, connectTimeout: 5000 });
      try {
        await conn.workflowService.describeNamespace({ namespace: NAMESPACE });
        return true;
      } finally {
        await conn.close();
      }
    };
    await waitFor(`the Temporal frontend at ${handle.url}`, answers, timeoutMs, 100, signal);
  },
};
