import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { WorldSpanExporter } from '../../../../harness/telemetry/world-exporter.js';
import { flattenOtlp } from '../../../../harness/world/otlp.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A loopback receiver answering `status`; returns its traces URL and what it was sent. */
async function receiver(status: number): Promise<{ url: string; got: { headers: Record<string, unknown>; body: string }[] }> {
  const got: { headers: Record<string, unknown>; body: string }[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{}' : '{"error":"too large"}');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, got };
}

function exportOne(exporter: WorldSpanExporter, name: string): Promise<ExportResult> {
  const results: ExportResult[] = [];
  const original = exporter.export.bind(exporter);
  exporter.export = (spans, done) => original(spans, (r) => (results.push(r), done(r)));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'w' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider
    .getTracer('t')
    .startSpan(name, { attributes: { 'ordeal.step': 3 } })
    .end();
  // a failed export reaches the global error handler too (the processor logs it); what counts is the result
  return provider.forceFlush().then(
    () => results[0]!,
    () => results[0]!,
  );
}

describe('the worker → world span exporter', () => {
  it('POSTs OTLP/JSON the world flattens into the span, its attributes and resource, with the pid header', async () => {
    const r = await receiver(200);
    const exporter = new WorldSpanExporter(r.url, { 'x-ordeal-pid': '42' });
    expect((await exportOne(exporter, 'chat')).code).toBe(ExportResultCode.SUCCESS);
    expect(r.got).toHaveLength(1);
    expect(r.got[0]!.headers['content-type']).toBe('application/json');
    expect(r.got[0]!.headers['x-ordeal-pid']).toBe('42');
    const [span] = flattenOtlp(JSON.parse(r.got[0]!.body));
    expect(span).toMatchObject({ name: 'chat', attributes: { 'ordeal.step': 3 }, resource: { 'service.name': 'w' } });
    await exporter.shutdown();
  });

  it('reports a refused export as failed, naming the status, and an unreachable world as failed', async () => {
    const r = await receiver(413);
    const refused = await exportOne(new WorldSpanExporter(r.url, {}), 'big');
    expect(refused.code).toBe(ExportResultCode.FAILED);
    expect(refused.error?.message).toContain('413');
    const closed = r.url.replace(/:\d+\//, ':1/');
    const unreachable = await exportOne(new WorldSpanExporter(closed, {}), 'lost');
    expect(unreachable.code).toBe(ExportResultCode.FAILED);
  });

  it('sends an export again on a new connection when the kept-alive one was closed under it (the world closes idle sockets)', async () => {
    const served = new WeakSet<object>();
    let resets = 0;
    const got: string[] = [];
    server = createServer((req, res) => {
      // a socket that already carried an export is dropped without an answer, as a server closing it at that moment would
      if (served.has(req.socket)) {
        resets++;
        req.socket.destroy();
        return;
      }
      served.add(req.socket);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => (got.push(Buffer.concat(chunks).toString('utf8')), res.writeHead(200).end('{}')));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
    const exporter = new WorldSpanExporter(url, {});
    expect((await exportOne(exporter, 'first')).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportOne(exporter, 'second')).code).toBe(ExportResultCode.SUCCESS);
    expect(resets).toBe(1);
    expect(got.map((b) => flattenOtlp(JSON.parse(b))[0]!.name)).toEqual(['first', 'second']);
    await exporter.shutdown();
  });

  it('after shutdown, exports fail at once', async () => {
    const r = await receiver(200);
    const exporter = new WorldSpanExporter(r.url, {});
    await exporter.shutdown();
    const result = await new Promise<ExportResult>((resolve) => exporter.export([], resolve));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(r.got).toHaveLength(0);
  });
});
