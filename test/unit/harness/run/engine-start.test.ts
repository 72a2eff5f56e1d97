// Starting an engine: a process that dies before it answers fails the start at once, naming the process and
// quoting its log; on the first start a port taken between choosing and binding it costs a retry, not the case.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts, waitFor } from '../../../../harness/launch/index.js';
import type { Adapter, AdapterContext, EngineSpec } from '../../../../harness/run/adapter.js';
import { EngineLink } from '../../../../harness/run/engine-link.js';
import { CaseProcesses } from '../../../../harness/run/processes.js';
import { HistoryWriter, type Op } from '../../../../harness/store/index.js';

const root = mkdtempSync(join(tmpdir(), 'ordeal-engine-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// a real server process: binds the port it is given and answers; fails to start like any server when the port is taken
const server = join(root, 'engine.mjs');
writeFileSync(
  server,
  `import { createServer } from 'node:http';
const port = Number(process.argv[2]);
createServer((_q, r) => r.end('ok')).on('error', (e) => { console.error('listen failed:', e.code); process.exit(1); }).listen(port, '127.0.0.1');
`,
);

function caseFor(name: string, spec: EngineSpec) {
  const runDir = join(root, name);
  mkdirSync(join(runDir, 'logs'), { recursive: true });
  const ctx = {
    runId: name,
    runDir,
    dataDir: join(runDir, 'data'),
    workspace: join(runDir, 'ws'),
    worldUrl: 'http://127.0.0.1:9',
    idempotency: 'framework',
    options: {},
  } as unknown as AdapterContext;
  const history = new HistoryWriter(join(runDir, 'history.jsonl'));
  const adapter = { name: 'test', engine: () => spec, worker: () => ({ command: 'true', args: [] }) } as unknown as Adapter;
  const link = new EngineLink();
  return { ctx, history, link, procs: new CaseProcesses(adapter, ctx, link, history) };
}

const answers = async (port: number) => (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) })).ok;

function engineOn(ports: (given: Record<string, number> | undefined) => Promise<number>): EngineSpec {
  return {
    name: 'tiny',
    async command(_ctx, given) {
      const port = await ports(given);
      return { command: process.execPath, args: [server, String(port)], handle: { url: `http://127.0.0.1:${port}`, ports: { http: port } } };
    },
    ready: (_ctx, handle, timeoutMs, signal) => waitFor('tiny engine', () => answers(handle.ports.http!), timeoutMs, 50, signal),
  };
}

const listen = (): Promise<Server> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });

describe('starting an engine', () => {
  it('retries the first start with fresh ports when the chosen port was taken before the engine bound it', async () => {
    const squatter = await listen();
    const taken = (squatter.address() as { port: number }).port;
    let calls = 0;
    const { ctx, history, link, procs } = caseFor(
      'retry',
      engineOn(async (given) => given?.http ?? (calls++ === 0 ? taken : (await freePorts(1))[0]!)),
    );
    try {
      await procs.startEngine();
      expect(link.engine?.ports.http).not.toBe(taken);
      expect(await answers(link.engine!.ports.http!)).toBe(true);
      const lifecycle = history.ops.filter((o: Op) => o.process?.startsWith('engine') && (o.f === 'start' || o.f === 'death'));
      expect(lifecycle.map((o) => `${o.process} ${o.f}`)).toEqual(['engine#1 start', 'engine#1 death', 'engine#2 start']);
      expect(readFileSync(join(ctx.runDir, 'logs', 'engine.log'), 'utf8')).toContain('listen failed: EADDRINUSE');
    } finally {
      await procs.stopAll();
      history.close();
      squatter.close();
    }
  });

  it('fails at once, quoting the log, when the engine dies before it answers on every try', async () => {
    const squatter = await listen();
    const taken = (squatter.address() as { port: number }).port;
    const { history, procs } = caseFor(
      'dies',
      engineOn(async () => taken),
    );
    try {
      const err = await procs.startEngine().then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
      expect(err?.message).toMatch(/engine tiny did not become ready: engine#3 exited \(code 1\) before the engine answered/);
      expect(err?.message).toContain('listen failed: EADDRINUSE');
      expect(history.ops.filter((o: Op) => o.f === 'start').length).toBe(3);
    } finally {
      await procs.stopAll();
      history.close();
      squatter.close();
    }
  });

  it('does not retry an engine stopped by a signal: somebody stopped it, no port was taken', async () => {
    const spec: EngineSpec = {
      ...engineOn(async () => (await freePorts(1))[0]!),
      async command(_ctx, given) {
        const port = given?.http ?? (await freePorts(1))[0]!;
        const dies = `console.error('going down'); process.kill(process.pid, 'SIGKILL')`;
        return { command: process.execPath, args: ['-e', dies], handle: { url: `http://127.0.0.1:${port}`, ports: { http: port } } };
      },
    };
    const { history, procs } = caseFor('signal', spec);
    try {
      const err = await procs.startEngine().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/engine#1 exited \(signal SIGKILL\) before the engine answered; the end of its log:\ngoing down/);
      expect(history.ops.filter((o: Op) => o.f === 'start').length).toBe(1);
    } finally {
      await procs.stopAll();
      history.close();
    }
  });

  it('does not retry a restart: the engine keeps its ports, and a dead restart is an error', async () => {
    const { history, procs, link } = caseFor(
      'restart',
      engineOn(async (given) => given?.http ?? (await freePorts(1))[0]!),
    );
    let squatter: Server | undefined;
    try {
      await procs.startEngine();
      const port = link.engine!.ports.http!;
      await procs.killEngine();
      squatter = createServer();
      await new Promise<void>((r) => squatter!.listen(port, '127.0.0.1', () => r()));
      const err = await procs.startEngine().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/engine#2 exited \(code 1\)/);
      expect(history.ops.filter((o: Op) => o.f === 'start').length).toBe(2);
    } finally {
      await procs.stopAll();
      history.close();
      squatter?.close();
    }
  });
});
