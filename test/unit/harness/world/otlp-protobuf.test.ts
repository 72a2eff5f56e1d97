import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { withWorld, type TestWorld } from './helpers.js';

describe('world: POST /v1/traces with OTLP protobuf', () => {
  let w: TestWorld;
  beforeAll(async () => {
    w = await withWorld();
  });
  afterAll(async () => {
    await w.stop();
  });

  it('decodes what a real protobuf exporter sends into spans.jsonl', async () => {
    const exporter = new OTLPTraceExporter({ url: `${w.url}/v1/traces` });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'proto-test', 'process.pid': 4242 }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('t');
    const parent = tracer.startSpan('invoke_agent test');
    const child = tracer.startSpan(
      'execute_tool refund',
      {
        attributes: { 'gen_ai.tool.name': 'refund', 'ordeal.step': 6, 'ordeal.replayed': true, 'ordeal.cost': 1.5, 'ordeal.tags': ['a', 'b'] },
      },
      trace.setSpan(context.active(), parent),
    );
    child.end();
    parent.end();
    await provider.forceFlush();
    await provider.shutdown();

    const spans = w.lines('spans.jsonl');
    const tool = spans.find((s) => s.name === 'execute_tool refund');
    const agent = spans.find((s) => s.name === 'invoke_agent test');
    expect(tool).toBeDefined();
    expect(tool.traceId).toBe(parent.spanContext().traceId);
    expect(tool.spanId).toBe(child.spanContext().spanId);
    expect(tool.parentSpanId).toBe(agent.spanId);
    expect(tool.attributes).toEqual({
      'gen_ai.tool.name': 'refund',
      'ordeal.step': 6,
      'ordeal.replayed': true,
      'ordeal.cost': 1.5,
      'ordeal.tags': ['a', 'b'],
    });
    expect(tool.resource).toMatchObject({ 'service.name': 'proto-test', 'process.pid': 4242 });
    expect(BigInt(tool.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(tool.startTimeUnixNano));
    expect(BigInt(tool.startTimeUnixNano)).toBeGreaterThan(1_600_000_000_000_000_000n);
  });

  it('keeps a span with an empty name, which a proto3 encoder leaves out of the message', async () => {
    // a length-delimited field under 128 bytes: tag, length, bytes
    const field = (no: number, bytes: Buffer): Buffer => Buffer.concat([Buffer.from([(no << 3) | 2, bytes.length]), bytes]);
    const traceId = 'ab'.repeat(16);
    const spanId = 'cd'.repeat(8);
    const span = Buffer.concat([field(1, Buffer.from(traceId, 'hex')), field(2, Buffer.from(spanId, 'hex'))]);
    const body = field(1, field(2, field(2, span)));
    const res = await fetch(`${w.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(body),
    });
    expect(res.status).toBe(200);
    const written = w.lines('spans.jsonl').find((s) => s.spanId === spanId);
    expect(written).toMatchObject({ traceId, name: '', startTimeUnixNano: '0', attributes: {}, resource: {} });
    expect(written.parentSpanId).toBeUndefined();
  });

  it('answers 400 to a truncated protobuf payload and writes nothing for it', async () => {
    const before = w.lines('spans.jsonl').length;
    // field 1 (resource_spans), length-delimited, announcing 50 bytes but carrying 2
    const res = await fetch(`${w.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 50, 1, 2]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/protobuf/);
    expect(w.lines('spans.jsonl').length).toBe(before);
  });
});
