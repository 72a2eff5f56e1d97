/**
 * OTLP/gRPC receiver: the unary `TraceService/Export` over h2c on its own loopback port, for engines that
 * export only over gRPC (the Restate server). Spans go to the same `spans.jsonl` as OTLP/HTTP.
 * Plain node:http2 rather than a @grpc/grpc-js Server, whose answers to a broken client say less: a truncated frame gets
 * UNIMPLEMENTED "Received no request message", bytes flagged gzip that are not gzip INTERNAL "Failed to decompress
 * message", a message flagged compressed without grpc-encoding reaches the handler still compressed, and an unknown
 * method's error does not name the one served. It is no faster either (bench/otlp-receiver.ts).
 */
import { createServer, constants, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { HttpError } from './http-error.js';
import type { JsonlWriter } from './jsonl.js';
import { flattenOtlp, OTLP_BODY_LIMIT, protobufDecoder } from './otlp.js';

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** gRPC status codes we answer with. */
export const GRPC_STATUS = { ok: 0, invalidArgument: 3, resourceExhausted: 8, unimplemented: 12, internal: 13 } as const;

class GrpcError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** grpc-message is percent-encoded (gRPC over HTTP/2 spec): everything outside printable ASCII and '%' itself. */
export function encodeGrpcMessage(message: string): string {
  return Array.from(Buffer.from(message, 'utf8'))
    .map((b) => (b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** Decompresses one message by the request's `grpc-encoding`. */
function decompress(payload: Buffer, encoding: string | undefined): Buffer {
  try {
    if (encoding === 'gzip') return gunzipSync(payload, { maxOutputLength: OTLP_BODY_LIMIT });
    if (encoding === 'deflate') return inflateSync(payload, { maxOutputLength: OTLP_BODY_LIMIT });
  } catch (e) {
    throw new GrpcError(GRPC_STATUS.invalidArgument, `the message is flagged compressed but is not valid ${encoding} data: ${(e as Error).message}`);
  }
  throw new GrpcError(
    GRPC_STATUS.unimplemented,
    `grpc-encoding '${encoding ?? '(none)'}' is not supported for a compressed message; use gzip or deflate`,
  );
}

/** The messages of a gRPC body: each a 1-byte compressed flag, a 4-byte big-endian length and the bytes. */
export function parseGrpcFrames(body: Buffer, encoding: string | undefined): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    if (pos + 5 > body.length)
      throw new GrpcError(GRPC_STATUS.invalidArgument, `truncated gRPC frame header at byte ${pos} (need 5 bytes, have ${body.length - pos})`);
    const flag = body[pos]!;
    const length = body.readUInt32BE(pos + 1);
    if (flag > 1) throw new GrpcError(GRPC_STATUS.invalidArgument, `gRPC frame at byte ${pos} has compressed flag ${flag}, expected 0 or 1`);
    if (pos + 5 + length > body.length)
      throw new GrpcError(GRPC_STATUS.invalidArgument, `gRPC frame at byte ${pos} announces ${length} bytes but ${body.length - pos - 5} follow`);
    const payload = body.subarray(pos + 5, pos + 5 + length);
    out.push(flag === 1 ? decompress(payload, encoding) : payload);
    pos += 5 + length;
  }
  return out;
}

function readBody(stream: ServerHttp2Stream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > OTLP_BODY_LIMIT) reject(new GrpcError(GRPC_STATUS.resourceExhausted, `request larger than ${OTLP_BODY_LIMIT} bytes`));
      else chunks.push(c);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('aborted', () => reject(new Error('aborted')));
  });
}

/** Trailers-only response: the status and message in the one HEADERS frame. */
function fail(stream: ServerHttp2Stream, status: number, message: string): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond(
    { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(status), 'grpc-message': encodeGrpcMessage(message) },
    { endStream: true },
  );
}

async function handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, spans: JsonlWriter): Promise<void> {
  if (headers[':path'] !== TRACE_EXPORT_PATH) {
    stream.resume();
    return fail(stream, GRPC_STATUS.unimplemented, `unknown method ${String(headers[':path'])}; this receiver answers ${TRACE_EXPORT_PATH} only`);
  }
  const type = String(headers['content-type'] ?? '');
  if (headers[':method'] !== 'POST' || !type.startsWith('application/grpc')) {
    stream.resume();
    if (stream.headersSent) return;
    stream.respond({ ':status': 415, 'content-type': 'text/plain' }, { endStream: false });
    stream.end(`an OTLP/gRPC Export is a POST with content-type application/grpc, got ${String(headers[':method'])} ${type || '(none)'}\n`);
    return;
  }
  try {
    const frames = parseGrpcFrames(await readBody(stream), headers['grpc-encoding'] as string | undefined);
    if (frames.length !== 1) throw new GrpcError(GRPC_STATUS.invalidArgument, `Export is unary: expected exactly one message, got ${frames.length}`);
    const records = flattenOtlp((await protobufDecoder())(frames[0]!));
    spans.append(...records);
    if (stream.destroyed) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GRPC_STATUS.ok) }));
    // an empty ExportTraceServiceResponse: uncompressed flag, length 0
    stream.end(Buffer.alloc(5));
  } catch (e) {
    if (e instanceof GrpcError) return fail(stream, e.status, e.message);
    if (e instanceof HttpError) return fail(stream, GRPC_STATUS.invalidArgument, e.message);
    if ((e as Error).message === 'aborted') return;
    fail(stream, GRPC_STATUS.internal, (e as Error).message);
  }
}

export interface OtlpGrpcServer {
  readonly port: number;
  readonly server: Http2Server;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 picks one) and appends every exported span to `spans`. */
export async function startOtlpGrpc(spans: JsonlWriter, host: string, port = 0, log?: (line: string) => void): Promise<OtlpGrpcServer> {
  const server = createServer();
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined); // a peer that resets must not crash the world
    handle(stream, headers, spans).catch((e: unknown) => log?.(`otlp-grpc: ${(e as Error).message}`));
  });
  server.on('sessionError', () => undefined);
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.close();
        // a client holding its session open must not hold up the world's shutdown
        setTimeout(() => {
          for (const s of sessions) s.destroy(undefined, constants.NGHTTP2_CANCEL);
        }, 200).unref();
      }),
  };
}
