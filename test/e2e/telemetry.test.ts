import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordeal, tempDir, type CliResult } from '../helpers/cli.js';

const lines = (file: string): any[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

/** A second OTLP/HTTP receiver, as a user's collector would be. */
function collector(): Promise<{ server: Server; url: string; spans: () => any[] }> {
  const bodies: any[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(JSON.parse(text));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        server,
        url: `http://127.0.0.1:${port}`,
        spans: () => bodies.flatMap((b) => b.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans))),
      });
    }),
  );
}

/** Waits for the world of the run under `out` to be up, then sends it malformed OTLP: the statuses it answered. */
async function sendMalformed(out: string): Promise<number[]> {
  for (let i = 0; i < 600; i++) {
    const dir = existsSync(out) ? readdirSync(out)[0] : undefined;
    const world = dir ? lines(join(out, dir, 'history.jsonl')).find((o) => o.f === 'start' && o.process === 'world') : undefined;
    if (world?.value?.url) {
      const post = (type: string, body: string | Uint8Array<ArrayBuffer>) =>
        fetch(`${world.value.url}/v1/traces`, { method: 'POST', headers: { 'content-type': type }, body }).then((r) => r.status);
      return [
        await post('application/json', '{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": 7}]}]}]}'),
        await post('application/x-protobuf', new Uint8Array([0x0a, 0x7f, 0x01])),
      ];
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the world never started');
}

describe('telemetry of a case with a worker kill (ordeal run --otlp-endpoint)', () => {
  const out = tempDir();
  let run: CliResult;
  let runDir: string;
  let statuses: number[];
  let received: () => any[];
  let server: Server;

  beforeAll(async () => {
    const c = await collector();
    server = c.server;
    received = c.spans;
    const running = ordeal([
      'run',
      '--scenario',
      'refund-agent',
      '--fault',
      'kill-worker@after-effect:1',
      '--out',
      out,
      '--otlp-endpoint',
      c.url,
      '--json',
    ]);
    statuses = await sendMalformed(out);
    run = await running;
    runDir = JSON.parse(run.stdout).cases[0].runDir;
  });
  afterAll(() => server?.close());

  it('stays valid although the world was sent malformed OTLP (JSON and protobuf), which it refused with 400', () => {
    expect(statuses).toEqual([400, 400]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).valid).toBe(true);
  });

  it('writes spans of the orchestrator and of both worker incarnations, all under one trace id', () => {
    const spans = lines(join(runDir, 'spans.jsonl'));
    const history = lines(join(runDir, 'history.jsonl'));
    const workerPids = history.filter((o) => o.f === 'start' && o.process.startsWith('worker#')).map((o) => o.value.pid);
    expect(workerPids).toHaveLength(2);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(spans.some((s) => s.resource['service.name'] === 'ordeal' && s.name.startsWith('ordeal.case'))).toBe(true);
    for (const pid of workerPids)
      expect(spans.filter((s) => s.resource['process.pid'] === pid && s.attributes['gen_ai.operation.name']).length).toBeGreaterThan(0);
    const fault = spans.find((s) => s.name === 'ordeal.fault kill-worker');
    expect(fault?.attributes['ordeal.fault']).toBe('kill-worker');
    expect(spans.find((s) => s.name === 'ordeal.process worker#1')?.attributes['ordeal.signal']).toBe('SIGKILL');
  });

  it('marks every step the second worker redid as replayed or as a later attempt', () => {
    const spans = lines(join(runDir, 'spans.jsonl'));
    const history = lines(join(runDir, 'history.jsonl'));
    const [first, second] = history.filter((o) => o.f === 'start' && o.process.startsWith('worker#')).map((o) => o.value.pid);
    const before = new Set(
      spans.filter((s) => s.resource['process.pid'] === first && s.attributes['ordeal.step'] !== undefined).map((s) => s.attributes['ordeal.step']),
    );
    const redone = spans.filter((s) => s.resource['process.pid'] === second && before.has(s.attributes['ordeal.step']));
    expect(redone.length).toBeGreaterThan(0);
    for (const s of redone) expect(s.attributes['ordeal.replayed'] === true || s.attributes['ordeal.attempt'] > 1).toBe(true);
    // the refund in flight at the kill ran again as attempt 2, with the same idempotency key
    const refund = spans.find((s) => s.resource['process.pid'] === second && s.attributes['gen_ai.tool.name'] === 'refund');
    expect(refund.attributes['ordeal.attempt']).toBe(2);
    expect(refund.attributes['ordeal.idempotency_key']).toMatch(/:\d+$/);
  });

  it('puts the metrics in verdict.json, with the recovery time measured once, from the kill to the new worker’s first progress', () => {
    const verdict = JSON.parse(readFileSync(join(runDir, 'verdict.json'), 'utf8'));
    const history = lines(join(runDir, 'history.jsonl'));
    const fault = history.find((o) => o.f === 'fault' && o.type === 'invoke');
    const death = history.find((o) => o.f === 'death' && o.process === 'worker#1');
    const restart = history.find((o) => o.f === 'start' && o.process === 'worker#2');
    const progress = history.find(
      (o) =>
        o.index > fault.index &&
        o.process.startsWith('worker') &&
        ((o.type === 'ok' && ['llm', 'effect', 'resource'].includes(o.f)) || (o.f === 'probe' && o.value.point === 'step:journaled')),
    );
    const m = verdict.metrics;
    expect(death.value.signal).toBe('SIGKILL');
    expect(progress.process).toBe('worker#2');
    expect(progress.time).toBeGreaterThan(restart.time);
    expect(m['recovery.disruptions']).toBe(1);
    expect(m['recovery.maxRecoveryMs']).toBe(Math.round(progress.time - fault.time));
    expect(m['telemetry.reexecutedSteps']).toBe(1);
    expect(m['telemetry.replayedSteps']).toBeGreaterThan(0);
    expect(m['telemetry.stepLatencyP99Ms']).toBeGreaterThanOrEqual(m['telemetry.stepLatencyP50Ms']);
    expect(m['telemetry.approvalWaitMs']).toBeGreaterThanOrEqual(0);
    for (const k of ['telemetry.retries', 'wasted-work.repeatedLlmCalls', 'wasted-work.respentTokens']) expect(m[k], k).toBe(0);
    // each measure is carried once: no telemetry copy of recovery or repeated model calls
    for (const k of ['telemetry.recoveryMs', 'telemetry.repeatedModelCalls', 'telemetry.respentTokens', 'telemetry.modelCalls'])
      expect(m[k], k).toBeUndefined();
  });

  it('sends the same spans to the collector given by --otlp-endpoint', () => {
    const inFolder = lines(join(runDir, 'spans.jsonl'))
      .map((s) => s.spanId)
      .sort();
    const atCollector = new Set(received().map((s) => s.spanId));
    expect(inFolder.length).toBeGreaterThan(10);
    expect(inFolder.filter((id) => !atCollector.has(id))).toEqual([]);
  });

  it('ordeal trace shows one lane per worker incarnation, the kill, the replays and the deduplicated refund', async () => {
    const text = await ordeal(['trace', runDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/worker#1 .*killed \(SIGKILL\)/);
    expect(text.stdout).toMatch(/worker#2 .*exited 0/);
    expect(text.stdout).toMatch(/⚡ fault kill-worker@after-effect:1/);
    expect(text.stdout).toMatch(/↺ replayed from the journal: chat/);
    expect(text.stdout).toMatch(/effect refund:order-1042 \(refund\) deduplicated/);
    const json = JSON.parse((await ordeal(['trace', runDir, '--json'])).stdout);
    expect(json.lanes.filter((l: any) => l.name.startsWith('worker#')).map((l: any) => l.name)).toEqual(['worker#1', 'worker#2']);
    expect(json.events.some((e: any) => e.kind === 'duplicate')).toBe(false);
  });
});
