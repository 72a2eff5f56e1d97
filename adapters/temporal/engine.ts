/** The Temporal CLI dev server as the adapter's engine: SQLite file in the data dir, same ports on restart. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { enginesRoot, requireEngine } from '../../harness/engines/index.js';
import { freePorts } from '../../harness/launch/index.js';
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
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      signal?.throwIfAborted();
      try {
        const conn = await Connection.connect({ address: handle.url, connectTimeout: 5000 });
        try {
          await conn.workflowService.describeNamespace({ namespace: NAMESPACE });
          return;
        } finally {
          await conn.close();
        }
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`no answer from the Temporal frontend at ${handle.url} in ${timeoutMs} ms (${String((last as Error)?.message ?? last)})`);
  },
};
