/**
 * OTLP/HTTP protobuf: decodes an ExportTraceServiceRequest into its JSON encoding (hex ids, decimal nanos),
 * so one validator (flattenOtlp) serves both. Written against the protobuf wire format; unknown fields are skipped.
 */
import { badField } from './http-error.js';

type Json = Record<string, unknown>;

/** Field numbers of the messages we read (opentelemetry/proto/trace/v1, common/v1, resource/v1). */
const F = {
  request: { resourceSpans: 1 },
  resourceSpans: { resource: 1, scopeSpans: 2, instrumentationLibrarySpans: 1000 },
  resource: { attributes: 1 },
  scopeSpans: { spans: 2 },
  span: { traceId: 1, spanId: 2, parentSpanId: 4, name: 5, start: 7, end: 8, attributes: 9 },
  keyValue: { key: 1, value: 2 },
  anyValue: { string: 1, bool: 2, int: 3, double: 4, array: 5, kvlist: 6, bytes: 7 },
  list: { values: 1 },
} as const;

interface Field {
  no: number;
  wire: number;
  /** varint or fixed value */
  num?: bigint;
  bytes?: Uint8Array;
}

class Reader {
  private pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly where: string,
  ) {}

  private fail(what: string): never {
    throw badField(this.where, `is not a valid OTLP protobuf message (${what} at byte ${this.pos})`);
  }

  private varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) this.fail('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    return this.fail('varint longer than 10 bytes');
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) this.fail(`field of ${n} bytes past the end`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  *fields(): Generator<Field> {
    while (this.pos < this.buf.length) {
      const tag = this.varint();
      const no = Number(tag >> 3n);
      const wire = Number(tag & 7n);
      if (no === 0) this.fail('field number 0');
      if (wire === 0) yield { no, wire, num: this.varint() };
      else if (wire === 1) yield { no, wire, num: Buffer.from(this.take(8)).readBigUInt64LE() };
      else if (wire === 2) yield { no, wire, bytes: this.take(Number(this.varint())) };
      else if (wire === 5) yield { no, wire, num: BigInt(Buffer.from(this.take(4)).readUInt32LE()) };
      else this.fail(`unsupported wire type ${wire}`);
    }
  }
}

const text = (f: Field): string => Buffer.from(f.bytes ?? []).toString('utf8');
const hex = (f: Field): string => Buffer.from(f.bytes ?? []).toString('hex');

function expectWire(f: Field, wire: number, where: string): void {
  if (f.wire !== wire) throw badField(where, `field ${f.no} has wire type ${f.wire}, expected ${wire}`);
}

function anyValue(buf: Uint8Array, where: string): Json {
  for (const f of new Reader(buf, where).fields()) {
    const A = F.anyValue;
    if (f.no === A.string) return { stringValue: text(f) };
    if (f.no === A.bool) return { boolValue: f.num !== 0n };
    if (f.no === A.int) return { intValue: BigInt.asIntN(64, f.num ?? 0n).toString() };
    if (f.no === A.double) {
      expectWire(f, 1, where);
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(f.num ?? 0n);
      return { doubleValue: b.readDoubleLE() };
    }
    if (f.no === A.array) return { arrayValue: { values: repeated(f.bytes, F.list.values, where, anyValue) } };
    if (f.no === A.kvlist) return { kvlistValue: { values: repeated(f.bytes, F.list.values, where, keyValue) } };
    if (f.no === A.bytes) return { bytesValue: Buffer.from(f.bytes ?? []).toString('base64') };
  }
  return {};
}

function keyValue(buf: Uint8Array, where: string): Json {
  const out: Json = { key: '' };
  for (const f of new Reader(buf, where).fields()) {
    if (f.no === F.keyValue.key) out.key = text(f);
    else if (f.no === F.keyValue.value) out.value = anyValue(f.bytes ?? new Uint8Array(), `${where}.value`);
  }
  return out;
}

function repeated(buf: Uint8Array | undefined, no: number, where: string, decode: (b: Uint8Array, where: string) => Json): Json[] {
  const out: Json[] = [];
  for (const f of new Reader(buf ?? new Uint8Array(), where).fields()) {
    if (f.no !== no) continue;
    expectWire(f, 2, where);
    out.push(decode(f.bytes!, `${where}[${out.length}]`));
  }
  return out;
}

function span(buf: Uint8Array, where: string): Json {
  const S = F.span;
  const out: Json = { attributes: [] };
  for (const f of new Reader(buf, where).fields()) {
    if (f.no === S.traceId) out.traceId = hex(f);
    else if (f.no === S.spanId) out.spanId = hex(f);
    else if (f.no === S.parentSpanId) out.parentSpanId = hex(f);
    else if (f.no === S.name) out.name = text(f);
    else if (f.no === S.start) out.startTimeUnixNano = (f.num ?? 0n).toString();
    else if (f.no === S.end) out.endTimeUnixNano = (f.num ?? 0n).toString();
    else if (f.no === S.attributes) (out.attributes as Json[]).push(keyValue(f.bytes ?? new Uint8Array(), `${where}.attributes`));
  }
  return out;
}

function resourceSpans(buf: Uint8Array, where: string): Json {
  const R = F.resourceSpans;
  const out: Json = { scopeSpans: [] };
  for (const f of new Reader(buf, where).fields()) {
    if (f.no === R.resource) out.resource = { attributes: repeated(f.bytes, F.resource.attributes, `${where}.resource.attributes`, keyValue) };
    else if (f.no === R.scopeSpans || f.no === R.instrumentationLibrarySpans)
      (out.scopeSpans as Json[]).push({ spans: repeated(f.bytes, F.scopeSpans.spans, `${where}.scopeSpans.spans`, span) });
  }
  return out;
}

/** An ExportTraceServiceRequest in protobuf as its OTLP JSON form; throws a 400 on bytes that are not one. */
export function decodeOtlpProtobuf(body: Uint8Array): Json {
  return { resourceSpans: repeated(body, F.request.resourceSpans, 'resourceSpans', resourceSpans) };
}
