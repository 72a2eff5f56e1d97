/**
 * The world's OTLP receiver, measured: the protobuf decode of one export into span records, and a unary OTLP/gRPC
 * `TraceService/Export` round trip (grpc-js client) against the world's node:http2 receiver and, beside it, a
 * @grpc/grpc-js server doing the same work (decode, flatten, append to a spans.jsonl).
 * `node dist/bench/otlp-receiver.js [--spans N] [--quick]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { Bench } from 'tinybench';
import { JsonlWriter } from '../harness/world/jsonl.js';
import { flattenOtlp, OTLP_BODY_LIMIT } from '../harness/world/otlp.js';
import { ExportTraceServiceRequest, decodeOtlpProtobuf } from '../harness/world/otlp-protobuf.js';
import { startOtlpGrpc, TRACE_EXPORT_PATH } from '../harness/world/otlp-grpc.js';
import { round } from './stats.js';

/** One export of `n` spans shaped like an agent step's (ids, timestamps, a handful of attributes of each kind). */
export function otlpPayload(n: number): Uint8Array {
  const attr = (key: string, value: Record<string, unknown>) => ({ key, value });
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: Buffer.alloc(16, 1),
    spanId: Buffer.alloc(8, i + 1),
    parentSpanId: i === 0 ? Buffer.alloc(0) : Buffer.alloc(8, 1),
    name: i === 0 ? 'invoke_agent refund-agent' : `execute_tool step-${i}`,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n),
    endTimeUnixNano: String(1_700_000_000_000_500_000n + BigInt(i) * 1_000_000n),
    attributes: [
      attr('gen_ai.tool.name', { stringValue: `tool-${i}` }),
      attr('ordeal.step', { intValue: i }),
      attr('ordeal.replayed', { boolValue: i % 2 === 0 }),
      attr('ordeal.cost', { doubleValue: 0.25 * i }),
      attr('ordeal.tags', { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } }),
      attr('restate.invocation.id', { stringValue: `inv_${'x'.repeat(20)}${i}` }),
    ],
  }));
  const request = {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', { stringValue: 'bench' }), attr('process.pid', { intValue: 4242 })] },
        scopeSpans: [{ spans }],
      },
    ],
  };
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish();
}

const same = (b: Buffer): Buffer => b;

/** A @grpc/grpc-js server answering Export the way the world does; for the comparison only. */
async function grpcJsReceiver(spans: JsonlWriter): Promise<{ port: number; close(): void }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': OTLP_BODY_LIMIT });
  const method = {
    path: TRACE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: same,
    requestDeserialize: same,
    responseSerialize: same,
    responseDeserialize: same,
  };
  server.addService(
    { Export: method },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
        try {
          spans.append(...flattenOtlp(decodeOtlpProtobuf(call.request)));
          done(null, Buffer.alloc(0));
        } catch (e) {
          done({ code: grpc.status.INVALID_ARGUMENT, details: (e as Error).message });
        }
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { port, close: () => server.forceShutdown() };
}

function exportCall(client: grpc.Client, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(TRACE_EXPORT_PATH, same, same, payload, (e) => (e ? reject(e) : resolve()));
  });
}

export interface OtlpReceiverFigure {
  name: string;
  p50Ms: number;
  p99Ms: number;
  opsPerSec: number;
}

export async function measureOtlpReceiver(spanCount: number, quick: boolean): Promise<OtlpReceiverFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ordeal-otlp-bench-'));
  const payload = Buffer.from(otlpPayload(spanCount));
  const http2Spans = new JsonlWriter(join(dir, 'http2', 'spans.jsonl'));
  const grpcJsSpans = new JsonlWriter(join(dir, 'grpc-js', 'spans.jsonl'));
  const world = await startOtlpGrpc(http2Spans, '127.0.0.1');
  const other = await grpcJsReceiver(grpcJsSpans);
  const toWorld = new grpc.Client(`127.0.0.1:${world.port}`, grpc.credentials.createInsecure());
  const toOther = new grpc.Client(`127.0.0.1:${other.port}`, grpc.credentials.createInsecure());
  const bench = new Bench({ iterations: quick ? 50 : 500, time: quick ? 200 : 2000, warmupIterations: 20 });
  bench.add(`decode ${spanCount} spans (protobuf to records)`, () => {
    flattenOtlp(decodeOtlpProtobuf(payload));
  });
  bench.add(`Export round trip, ${spanCount} spans: node:http2 receiver (the world's)`, () => exportCall(toWorld, payload));
  bench.add(`Export round trip, ${spanCount} spans: @grpc/grpc-js server`, () => exportCall(toOther, payload));
  try {
    await bench.run();
  } finally {
    toWorld.close();
    toOther.close();
    await world.close();
    other.close();
    http2Spans.close();
    grpcJsSpans.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return bench.tasks.map((t) => {
    const r = t.result as { state: string; latency?: { p50: number; p99: number }; throughput?: { mean: number }; error?: Error };
    if (r.state !== 'completed' || !r.latency) throw new Error(`otlp bench '${t.name}' did not complete: ${r.error?.message ?? r.state}`);
    return { name: t.name, p50Ms: round(r.latency.p50), p99Ms: round(r.latency.p99), opsPerSec: Math.round(r.throughput?.mean ?? 0) };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--spans');
  const spanCount = at >= 0 ? Number(args[at + 1]) : 100;
  if (!Number.isInteger(spanCount) || spanCount < 1) {
    console.error(`--spans '${args[at + 1]}': expected a positive integer`);
    process.exit(2);
  }
  for (const f of await measureOtlpReceiver(spanCount, args.includes('--quick')))
    console.log(`${f.name}: p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${f.opsPerSec}/s`);
}
