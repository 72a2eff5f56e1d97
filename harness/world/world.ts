/** `startWorld`: the world's HTTP server and its IPC conversation with the orchestrator, in the current process. */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { approvalRoutes, ApprovalInbox } from './approvals.js';
import { chatRoutes } from './chat.js';
import { OpSink, type WorldChannel } from './op-sink.js';
import type { WorldContext } from './context.js';
import { effectRoutes } from './effect-routes.js';
import { EffectLedger } from './effects.js';
import { FaultController } from './fault-controller.js';
import { isRecord } from '../json.js';
import { FILES } from '../store/files.js';
import { JsonlWriter } from './jsonl.js';
import { otlpRoutes } from './otlp.js';
import { startOtlpGrpc, type OtlpGrpcServer } from './otlp-grpc.js';
import { probeRoutes } from './probes.js';
import type { FromWorld, ToWorld, WorldConfig } from './protocol.js';
import { driftResource, resourceRoutes, ResourceStore } from './resources.js';
import { createWorldServer, sendJson } from './server.js';

export interface WorldOptions {
  /** One line per request (main.ts writes them to stdout); silent when omitted. */
  log?: (line: string) => void;
}

export interface World {
  readonly port: number;
  readonly url: string;
  /** The OTLP/gRPC receiver's port on the same host (for engines that export traces only over gRPC). */
  readonly grpcPort: number;
  /** A debugging snapshot, the same as `GET /state`. */
  snapshot(): Record<string, unknown>;
  /** Stops listening, drops held requests and connections, closes the run files. Idempotent. */
  close(): Promise<void>;
  /** Settles once the world is closed (by `close()` or a `shutdown` message). */
  readonly closed: Promise<void>;
}

/** Starts the world on `config.host:config.port`, answers `ready` on the channel, and obeys its messages. */
export async function startWorld(config: WorldConfig, channel: WorldChannel, options: WorldOptions = {}): Promise<World> {
  const send = (m: FromWorld): void => {
    try {
      channel.send(m);
    } catch {
      /* the orchestrator is gone: main.ts exits on disconnect */
    }
  };
  const ledgerFile = new JsonlWriter(join(config.runDir, FILES.ledger));
  const spansFile = new JsonlWriter(join(config.runDir, FILES.spans));
  const faults = new FaultController(send);
  const ctx: WorldContext = { config, ops: new OpSink(send), faults, send };
  const ledger = new EffectLedger(config.scenario, ledgerFile);
  const resources = new ResourceStore(config.scenario.fixture?.resources ?? {});
  const inbox = new ApprovalInbox();
  const started = Date.now();

  const snapshot = (): Record<string, unknown> => ({
    runId: config.runId,
    scenario: config.scenario.name,
    uptimeMs: Date.now() - started,
    counters: { ...faults.counters },
    effects: ledger.snapshot(),
    resources: resources.snapshot(),
    approvals: inbox.snapshot(),
    faults: faults.snapshot(),
  });

  const server = createWorldServer({
    ...(options.log ? { log: options.log } : {}),
    routes: [
      { method: 'GET', path: '/health', handler: (ex) => sendJson(ex, 200, { ok: true }) },
      { method: 'GET', path: '/state', handler: (ex) => sendJson(ex, 200, snapshot()) },
      ...chatRoutes(ctx),
      ...effectRoutes(ctx, ledger),
      ...resourceRoutes(ctx, resources),
      ...approvalRoutes(ctx, inbox),
      ...probeRoutes(ctx),
      ...otlpRoutes(spansFile),
    ],
  });

  let grpc: OtlpGrpcServer;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    grpc = await startOtlpGrpc(spansFile, config.host, 0, options.log).catch(async (e: unknown) => {
      await new Promise((r) => server.close(r));
      throw e;
    });
  } catch (e) {
    ledgerFile.close();
    spansFile.close();
    throw e;
  }
  server.on('error', (e) => send({ kind: 'error', message: `world server error: ${e.message}` }));
  const port = (server.address() as AddressInfo).port;

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      channel.off?.('message', onMessage);
      faults.close();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await grpc.close();
      ledgerFile.close();
      spansFile.close();
      resolveClosed();
    })());

  function onMessage(raw: unknown): void {
    if (!isRecord(raw)) return send({ kind: 'error', message: `world: ignored a message that is not an object: ${String(raw)}` });
    const m = raw as ToWorld;
    try {
      switch (m.kind) {
        case 'arm':
          if (!Array.isArray(m.faults)) return send({ kind: 'error', message: "world: 'arm' needs faults: [{index, trigger}]" });
          faults.arm(m.faults);
          return;
        case 'release':
          if (!faults.release(m.holdId, m.action)) send({ kind: 'error', message: `world: no held request with holdId ${m.holdId}` });
          return;
        case 'set-resource':
          if (typeof m.id !== 'string' || m.id === '') return send({ kind: 'error', message: "world: 'set-resource' needs a non-empty string id" });
          driftResource(ctx, resources, m.id, m.value);
          return;
        case 'shutdown':
          void close();
          return;
        case 'init':
          return send({ kind: 'error', message: 'world: already initialized; ignored a second init' });
        default:
          return send({ kind: 'error', message: `world: unknown message kind ${JSON.stringify((raw as { kind?: unknown }).kind)}` });
      }
    } catch (e) {
      send({ kind: 'error', message: `world: failed to handle '${String(m.kind)}': ${(e as Error).message}` });
    }
  }
  channel.on('message', onMessage);

  send({ kind: 'ready', port, grpcPort: grpc.port, pid: process.pid });
  return {
    port,
    grpcPort: grpc.port,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    snapshot,
    close,
    closed,
  };
}
