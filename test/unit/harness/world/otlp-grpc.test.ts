import { connect } from 'node:http2';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TRACE_EXPORT_PATH, type FromWorld } from '../../../../harness/world/index.js';
import { withWorld, type TestWorld } from './helpers.js';

/** Sends two spans (parent and child) through a real OTLP/gRPC exporter; returns their ids. */
async function exportSpans(url: string, service: string, compression?: 'gzip'): Promise<{ traceId: string; child: string }> {
  const exporter = new OTLPTraceExporter({ url, ...(compression ? { compression: compression as never } : {}) });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'process.pid': 77 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('t');
  const parent = tracer.startSpan('ingress_invoke agent/run');
  const child = tracer.startSpan(
    'invoke agent/run',
    { attributes: { 'restate.invocation.id': 'inv_1', 'ordeal.step': 3 } },
    trace.setSpan(context.active(), parent),
  );
  child.end();
  parent.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: parent.spanContext().traceId, child: child.spanContext().spanId };
}

/** One raw unary call with grpc-js: the bytes go out as one correctly framed message. */
function rawCall(address: string, path: string, payload: Buffer): Promise<{ code: number; details: string; response?: Buffer }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      payload,
      (err, response) => {
        client.close();
        resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '', ...(response ? { response } : {}) });
      },
    );
  });
}

/** A hand-framed request over node:http2, for bodies no gRPC library would send. */
function h2Call(origin: string, body: Buffer, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const session = connect(origin);
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': TRACE_EXPORT_PATH, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    const seen: Record<string, unknown> = {};
    req.on('response', (h) => Object.assign(seen, h));
    req.on('trailers', (t) => Object.assign(seen, t));
    req.resume();
    req.on('end', () => {
      session.close();
      resolve(seen);
    });
    req.end(body);
  });
}

function frame(flag: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

describe('world: OTLP/gRPC TraceService/Export', () => {
  let w: TestWorld;
  let address: string;
  beforeAll(async () => {
    w = await withWorld();
    address = `127.0.0.1:${w.world.grpcPort}`;
  });
  afterAll(async () => {
    await w.stop();
  });

  it('announces its gRPC port in the ready message', () => {
    const ready = w.channel.sent.find((m): m is Extract<FromWorld, { kind: 'ready' }> => m.kind === 'ready');
    expect(ready?.grpcPort).toBe(w.world.grpcPort);
    expect(ready?.grpcPort).not.toBe(ready?.port);
  });

  it('writes what a real OTLP/gRPC exporter sends into spans.jsonl, plain and gzip-compressed', async () => {
    const plain = await exportSpans(`http://${address}`, 'restate-server');
    const zipped = await exportSpans(`http://${address}`, 'restate-server-gz', 'gzip');
    const spans = w.lines('spans.jsonl');
    for (const [ids, service] of [
      [plain, 'restate-server'],
      [zipped, 'restate-server-gz'],
    ] as const) {
      const child = spans.find((s) => s.spanId === ids.child);
      expect(child).toMatchObject({
        traceId: ids.traceId,
        name: 'invoke agent/run',
        attributes: { 'restate.invocation.id': 'inv_1', 'ordeal.step': 3 },
      });
      expect(child.resource).toMatchObject({ 'service.name': service, 'process.pid': 77 });
      expect(spans.find((s) => s.spanId === child.parentSpanId)?.name).toBe('ingress_invoke agent/run');
    }
  });

  it('answers an empty ExportTraceServiceResponse with grpc-status 0', async () => {
    const r = await rawCall(address, TRACE_EXPORT_PATH, Buffer.alloc(0));
    expect(r.code).toBe(grpc.status.OK);
    expect(r.response?.length).toBe(0);
  });

  it('answers INVALID_ARGUMENT naming the problem to bytes that are not a request, and keeps serving', async () => {
    const before = w.lines('spans.jsonl').length;
    // field 1 (resource_spans), length-delimited, announcing 50 bytes but carrying 2
    const r = await rawCall(address, TRACE_EXPORT_PATH, Buffer.from([0x0a, 50, 1, 2]));
    expect(r.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(r.details).toMatch(/protobuf/);
    expect(w.lines('spans.jsonl').length).toBe(before);
    await exportSpans(`http://${address}`, 'after-bad');
    expect(w.lines('spans.jsonl').some((s) => s.resource['service.name'] === 'after-bad')).toBe(true);
  });

  it('answers INVALID_ARGUMENT to a truncated frame and to a compressed flag on bytes that are not gzip', async () => {
    const truncated = await h2Call(`http://${address}`, Buffer.from([0, 0, 0, 0, 9, 1, 2]));
    expect(truncated).toMatchObject({ ':status': 200, 'grpc-status': '3' });
    expect(decodeURIComponent(String(truncated['grpc-message']))).toMatch(/announces 9 bytes/);
    const notGzip = await h2Call(`http://${address}`, frame(1, Buffer.from('plain')), { 'grpc-encoding': 'gzip' });
    expect(notGzip['grpc-status']).toBe('3');
    expect(decodeURIComponent(String(notGzip['grpc-message']))).toMatch(/not valid gzip/);
    const gz = await h2Call(`http://${address}`, frame(1, gzipSync(Buffer.alloc(0))), { 'grpc-encoding': 'gzip' });
    expect(gz['grpc-status']).toBe('0');
  });

  it('answers UNIMPLEMENTED to a message flagged compressed without a grpc-encoding, and INVALID_ARGUMENT to two messages', async () => {
    const before = w.lines('spans.jsonl').length;
    const unnamed = await h2Call(`http://${address}`, frame(1, gzipSync(Buffer.alloc(0))));
    expect(unnamed['grpc-status']).toBe('12');
    expect(decodeURIComponent(String(unnamed['grpc-message']))).toMatch(/use gzip or deflate/);
    const two = await h2Call(`http://${address}`, Buffer.concat([frame(0, Buffer.alloc(0)), frame(0, Buffer.alloc(0))]));
    expect(two['grpc-status']).toBe('3');
    expect(decodeURIComponent(String(two['grpc-message']))).toMatch(/exactly one message, got 2/);
    expect(w.lines('spans.jsonl').length).toBe(before);
  });

  it('answers UNIMPLEMENTED to another method', async () => {
    const r = await rawCall(address, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', Buffer.alloc(0));
    expect(r.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(r.details).toContain(TRACE_EXPORT_PATH);
  });
});
