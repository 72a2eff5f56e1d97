// The worker↔engine link: the address the worker dials is the engine's own until a net fault with target=engine puts a
// real Toxiproxy in front of it; from then on every engine (re)start is dialed through the proxy, which still reaches it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engines, enginesRoot } from '../../../../harness/engines/index.js';
import { startNetProxy } from '../../../../harness/faults/index.js';
import { packageRoot } from '../../../../harness/paths.js';
import type { Adapter, EngineHandle } from '../../../../harness/run/adapter.js';
import { EngineLink } from '../../../../harness/run/engine-link.js';
import { HistoryWriter, type Op } from '../../../../harness/store/index.js';

const root = mkdtempSync(join(tmpdir(), 'ordeal-engine-link-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hasToxiproxy = engines.toxiproxy!.installed(enginesRoot(packageRoot));

/** A real server answering `name` on a free port. */
const serve = (name: string): Promise<{ server: Server; port: number }> =>
  new Promise((resolve) => {
    const server = createServer((_q, r) => r.end(name));
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });

const body = async (hostPort: string) => (await fetch(`http://${hostPort}/`, { signal: AbortSignal.timeout(2000) })).text();
const handleOn = (port: number): EngineHandle => ({ url: `http://127.0.0.1:${port}`, ports: { http: port }, linkAddress: `127.0.0.1:${port}` });
const adapter = (engineLink: boolean) => ({ name: 'tiny', engineLink }) as unknown as Adapter;

describe('the engine link', () => {
  it('is the engine itself without a proxy, and nothing before the engine started', () => {
    const link = new EngineLink();
    expect(link.engine).toBeUndefined();
    link.startedAs(handleOn(4000));
    expect(link.engine).toEqual(handleOn(4000));
  });

  it.skipIf(!hasToxiproxy)('runs through Toxiproxy once put there, and stays on it across an engine restart on the same port', async () => {
    const runDir = join(root, 'proxy');
    mkdirSync(join(runDir, 'logs'), { recursive: true });
    const history = new HistoryWriter(join(runDir, 'history.jsonl'));
    const world = await serve('world');
    const engine = await serve('engine');
    const net = await startNetProxy(`http://127.0.0.1:${world.port}`, runDir, packageRoot);
    try {
      const link = new EngineLink();
      link.startedAs(handleOn(engine.port));
      await link.throughProxy(adapter(true), net, history);
      const via = link.engine!.linkAddress!;
      expect(via).not.toBe(`127.0.0.1:${engine.port}`);
      expect(link.engine!.url).toBe(`http://127.0.0.1:${engine.port}`); // clients still reach the engine itself
      expect(await body(via)).toBe('engine');
      const op = history.ops.find((o: Op) => o.f === 'net-proxy')!;
      expect(op.value).toEqual({ target: 'engine', listen: via, upstream: `127.0.0.1:${engine.port}` });
      // a kill-engine restart: a fresh handle on the same port, still dialed through the proxy
      link.startedAs(handleOn(engine.port));
      expect(link.engine!.linkAddress).toBe(via);
      expect(await body(via)).toBe('engine');
    } finally {
      await net.stop();
      history.close();
      world.server.close();
      engine.server.close();
    }
  });

  it('refuses target=engine, exit 2, for an adapter without an engine link', async () => {
    const link = new EngineLink();
    link.startedAs(handleOn(4000));
    const history = new HistoryWriter(join(root, 'refused.jsonl'));
    const never = { linkEngine: () => Promise.reject(new Error('not to be called')) } as never;
    const err = await link.throughProxy(adapter(false), never, history).then(
      () => undefined,
      (e: Error & { code?: string; exitCode?: number }) => e,
    );
    history.close();
    expect(err?.message).toContain("network faults with target=engine are not supported by adapter 'tiny'");
    expect(err?.code).toBe('ORD-105');
    expect(err?.exitCode).toBe(2);
  });
});
