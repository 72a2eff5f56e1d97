/** The real restate-server: its own base dir, node name and loopback ports, kept across restarts. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { enginesRoot, requireEngine } from '../../harness/engines/index.js';
import { freePorts, waitFor } from '../../harness/launch/index.js';
import { packageRoot } from '../../harness/paths.js';
import { FILES } from '../../harness/store/run-folder.js';
import type { AdapterContext, EngineHandle, EngineSpec } from '../../harness/run/adapter.js';

/**
 * Ports one case uses: the server's three, and the worker's endpoint (fixed so the deployment address never changes),
 * and the endpoint of deployment 2 (a blue-green deploy's version 2, registered beside the first).
 */
export type RestatePorts = { ingress: number; admin: number; node: number; worker: number; worker2: number };

export const adminUrl = (h: EngineHandle): string => `http://127.0.0.1:${h.ports.admin}`;
// the server dials the worker at the link address: a Toxiproxy in front of the worker's port when a net fault targets the engine
// (deployment 1's; deployment 2, a blue-green deploy's version 2, is dialed directly on its own port)
export const workerUrl = (h: EngineHandle, deployment = 1): string =>
  deployment === 2 ? `http://127.0.0.1:${h.ports.worker2}` : `http://${h.linkAddress ?? `127.0.0.1:${h.ports.worker}`}`;
/** The port the worker of `deployment` listens on. */
export const workerPort = (h: EngineHandle, deployment = 1): number => (deployment === 2 ? h.ports.worker2! : h.ports.worker!);

/** A small single-node config: one partition and a modest memory budget suit a 2-core machine running one agent. */
function config(p: RestatePorts, tracingEndpoint: string | undefined): string {
  return [
    'cluster-name = "ordeal"',
    'default-num-partitions = 1',
    'disable-telemetry = true',
    'rocksdb-total-memory-size = "256 MiB"',
    'log-format = "compact"',
    'log-disable-ansi-codes = true',
    // the server exports its spans over OTLP/gRPC only: the world's gRPC receiver takes them into spans.jsonl
    ...(tracingEndpoint ? [`tracing-endpoint = "${tracingEndpoint}"`] : []),
    `bind-address = "127.0.0.1:${p.node}"`,
    `advertised-address = "http://127.0.0.1:${p.node}/"`,
    '',
    '[admin]',
    `bind-address = "127.0.0.1:${p.admin}"`,
    'disable-web-ui = true',
    '',
    '[ingress]',
    `bind-address = "127.0.0.1:${p.ingress}"`,
    '',
  ].join('\n');
}

export const restateEngine: EngineSpec = {
  name: 'restate',
  async command(ctx: AdapterContext, previous) {
    const bin = requireEngine('restate', enginesRoot(packageRoot));
    const [ingress, admin, node, worker, worker2] = previous
      ? [previous.ingress!, previous.admin!, previous.node!, previous.worker!, previous.worker2!]
      : ((await freePorts(5)) as [number, number, number, number, number]);
    const ports: RestatePorts = { ingress, admin, node, worker, worker2 };
    const baseDir = join(ctx.dataDir, 'restate');
    mkdirSync(baseDir, { recursive: true });
    const configFile = join(ctx.dataDir, 'restate.toml');
    writeFileSync(configFile, config(ports, ctx.otlpGrpcUrl));
    return {
      command: bin,
      args: ['--config-file', configFile, '--base-dir', baseDir, '--node-name', 'ordeal-node', '--listen-mode', 'tcp', '--no-logo'],
      env: {
        ...process.env,
        RESTATE_LOG_FILTER: process.env.RESTATE_LOG_FILTER ?? 'warn,restate=info',
        // the server batches spans every 5 s by default and does not flush them on shutdown: a case lasts a few seconds
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
      handle: { url: `http://127.0.0.1:${ingress}`, ports, linkAddress: `127.0.0.1:${worker}` },
    };
  },
  async ready(_ctx, handle, timeoutMs, signal) {
    const ok = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
    await waitFor(
      'restate admin and ingress',
      async () => (await ok(`${adminUrl(handle)}/health`)) && (await ok(`${handle.url}/restate/health`)),
      timeoutMs,
      100,
      signal,
    );
  },
  // The server exports its spans in 200 ms batches and drops what is unsent on shutdown: before it is stopped,
  // wait until the invocation's last span (`invocation-end`) has reached the world, for at most 3 s.
  async settle(ctx) {
    if (!ctx.otlpGrpcUrl) return;
    const file = join(ctx.runDir, FILES.spans);
    const ended = (): boolean => existsSync(file) && /"name":"invocation-end /.test(readFileSync(file, 'utf8'));
    await waitFor('restate invocation-end span', async () => ended(), 3000, 50).catch(() => undefined);
  },
};
