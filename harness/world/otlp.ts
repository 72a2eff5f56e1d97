/** `POST /v1/traces`: an OTLP/HTTP (JSON or protobuf) receiver that flattens spans into `spans.jsonl`. */
import type { SpanRecord } from '../store/types.js';
import { HttpError, badField } from './http-error.js';
import { isRecord } from '../json.js';
import type { Json } from './fields.js';
import type { JsonlWriter } from './jsonl.js';
import { sendJson, type Exchange, type Route } from './server.js';

export const OTLP_BODY_LIMIT = 16 * 1024 * 1024;

/** An OTLP AnyValue as a plain JSON value. */
export function anyValue(v: unknown, field: string): unknown {
  if (v === undefined || v === null) return null;
  if (!isRecord(v)) throw badField(field, 'must be an OTLP AnyValue object such as {"stringValue": "…"}', v);
  if ('stringValue' in v) {
    if (typeof v.stringValue !== 'string') throw badField(`${field}.stringValue`, 'must be a string', v.stringValue);
    return v.stringValue;
  }
  if ('boolValue' in v) {
    if (typeof v.boolValue !== 'boolean') throw badField(`${field}.boolValue`, 'must be a boolean', v.boolValue);
    return v.boolValue;
  }
  if ('intValue' in v) {
    const i = v.intValue;
    if (typeof i === 'number' && Number.isInteger(i)) return i;
    if (typeof i === 'string' && /^-?\d+$/.test(i)) return Number.isSafeInteger(Number(i)) ? Number(i) : i;
    throw badField(`${field}.intValue`, 'must be an integer or a decimal integer string', i);
  }
  if ('doubleValue' in v) {
    const d = v.doubleValue;
    if (typeof d === 'number') return d;
    if (typeof d === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(d)) return d;
    throw badField(`${field}.doubleValue`, 'must be a number', d);
  }
  if ('arrayValue' in v) {
    const values = isRecord(v.arrayValue) ? (v.arrayValue.values ?? []) : undefined;
    if (!Array.isArray(values)) throw badField(`${field}.arrayValue`, 'must be {"values": [AnyValue, …]}', v.arrayValue);
    return values.map((x, i) => anyValue(x, `${field}.arrayValue.values[${i}]`));
  }
  if ('kvlistValue' in v) {
    const values = isRecord(v.kvlistValue) ? (v.kvlistValue.values ?? []) : undefined;
    if (!Array.isArray(values)) throw badField(`${field}.kvlistValue`, 'must be {"values": [KeyValue, …]}', v.kvlistValue);
    return attributes(values, `${field}.kvlistValue.values`);
  }
  if ('bytesValue' in v) {
    if (typeof v.bytesValue !== 'string') throw badField(`${field}.bytesValue`, 'must be a base64 string', v.bytesValue);
    return v.bytesValue;
  }
  return null;
}

/** OTLP KeyValue[] as a plain object. */
export function attributes(list: unknown, field: string): Record<string, unknown> {
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list)) throw badField(field, 'must be an array of {key, value}', list);
  const out: Record<string, unknown> = {};
  list.forEach((kv, i) => {
    if (!isRecord(kv) || typeof kv.key !== 'string') throw badField(`${field}[${i}].key`, 'must be a string', isRecord(kv) ? kv.key : kv);
    out[kv.key] = anyValue(kv.value, `${field}[${i}].value`);
  });
  return out;
}

function arrayField(o: Json, name: string, field: string): unknown[] {
  const v = o[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badField(`${field}.${name}`, 'must be an array', v);
  return v;
}

function id(v: unknown, field: string, required: boolean): string | undefined {
  if ((v === undefined || v === null || v === '') && !required) return undefined;
  if (typeof v !== 'string' || v === '') throw badField(field, 'must be a non-empty hex string', v);
  return v;
}

function nanos(v: unknown, field: string): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.round(v)).toString();
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  throw badField(field, 'must be nanoseconds since the epoch as a decimal string or number', v);
}

/** Flattens an ExportTraceServiceRequest (JSON encoding) into span records; throws a 400 naming the first bad field. */
export function flattenOtlp(body: unknown): SpanRecord[] {
  if (!isRecord(body)) throw badField('(body)', 'must be an OTLP ExportTraceServiceRequest JSON object {"resourceSpans": […]}', body);
  const out: SpanRecord[] = [];
  arrayField(body, 'resourceSpans', '(body)').forEach((rs, ri) => {
    const rf = `resourceSpans[${ri}]`;
    if (!isRecord(rs)) throw badField(rf, 'must be an object', rs);
    const resource = isRecord(rs.resource) ? attributes(rs.resource.attributes, `${rf}.resource.attributes`) : {};
    const scopes = [...arrayField(rs, 'scopeSpans', rf), ...arrayField(rs, 'instrumentationLibrarySpans', rf)];
    scopes.forEach((ss, si) => {
      const sf = `${rf}.scopeSpans[${si}]`;
      if (!isRecord(ss)) throw badField(sf, 'must be an object', ss);
      arrayField(ss, 'spans', sf).forEach((sp, pi) => {
        const f = `${sf}.spans[${pi}]`;
        if (!isRecord(sp)) throw badField(f, 'must be an object', sp);
        if (typeof sp.name !== 'string') throw badField(`${f}.name`, 'must be a string', sp.name);
        const rec: SpanRecord = {
          traceId: id(sp.traceId, `${f}.traceId`, true)!,
          spanId: id(sp.spanId, `${f}.spanId`, true)!,
          name: sp.name,
          startTimeUnixNano: nanos(sp.startTimeUnixNano, `${f}.startTimeUnixNano`),
          endTimeUnixNano: nanos(sp.endTimeUnixNano, `${f}.endTimeUnixNano`),
          attributes: attributes(sp.attributes, `${f}.attributes`),
          resource,
        };
        const parent = id(sp.parentSpanId, `${f}.parentSpanId`, false);
        if (parent !== undefined) rec.parentSpanId = parent;
        out.push(rec);
      });
    });
  });
  return out;
}

/** The protobuf decoder (protobufjs), loaded on the first protobuf request: JavaScript workers send JSON, so most worlds never need it. */
export async function protobufDecoder(): Promise<(body: Uint8Array) => Json> {
  return (await import('./otlp-protobuf.js')).decodeOtlpProtobuf;
}

export function otlpRoutes(spans: JsonlWriter): Route[] {
  async function traces(ex: Exchange): Promise<void> {
    const type = (ex.header('content-type') ?? 'application/json').toLowerCase();
    let records: SpanRecord[];
    if (type.includes('protobuf')) {
      records = flattenOtlp((await protobufDecoder())(await ex.body(OTLP_BODY_LIMIT)));
    } else if (type.includes('json')) {
      const body = await ex.json(OTLP_BODY_LIMIT);
      if (body === undefined) throw badField('(body)', 'must be an OTLP ExportTraceServiceRequest JSON object');
      records = flattenOtlp(body);
    } else {
      throw new HttpError(
        415,
        'unsupported-media-type',
        `header 'content-type' must be application/json or application/x-protobuf (OTLP/HTTP), got '${type}'`,
      );
    }
    spans.append(...records);
    sendJson(ex, 200, { partialSuccess: {} });
  }
  return [{ method: 'POST', path: '/v1/traces', handler: traces }];
}
