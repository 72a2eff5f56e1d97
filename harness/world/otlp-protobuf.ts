/**
 * OTLP protobuf: protobufjs decodes an ExportTraceServiceRequest into its JSON encoding (hex ids, decimal nanos),
 * so one validator (flattenOtlp) serves OTLP/HTTP JSON, OTLP/HTTP protobuf and OTLP/gRPC.
 */
import protobuf from 'protobufjs';
import { badField } from './http-error.js';

type Json = Record<string, unknown>;

/**
 * The fields the world reads of opentelemetry/proto (collector/trace/v1, trace/v1, common/v1, resource/v1), same
 * numbers and types; protobufjs skips every other field. Field 1000 is the pre-1.0 `instrumentation_library_spans`.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package ordeal.otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans {
  Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  repeated ScopeSpans instrumentation_library_spans = 1000;
}
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { repeated Span spans = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  string name = 5;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
}
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

/** The request type; `encode(fromObject(…))` also writes one (the bench builds its payloads with it). */
export const ExportTraceServiceRequest = protobuf.parse(OTLP_TRACE_PROTO).root.lookupType('ordeal.otlp.ExportTraceServiceRequest');

/** OTLP JSON: 64-bit integers as decimal strings, bytes as base64 (ids are re-encoded as hex below), proto3 defaults filled in. */
const JSON_FORM: protobuf.IConversionOptions = { longs: String, bytes: String, arrays: true, defaults: true };

const hex = (base64: unknown): string => Buffer.from(typeof base64 === 'string' ? base64 : '', 'base64').toString('hex');

/** An ExportTraceServiceRequest in protobuf as its OTLP JSON form; throws a 400 on bytes that are not one. */
export function decodeOtlpProtobuf(body: Uint8Array): Json {
  let request: Json;
  try {
    request = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), JSON_FORM);
  } catch (e) {
    throw badField(
      '(body)',
      `must be a protobuf-encoded opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest; decoding failed: ${(e as Error).message}`,
    );
  }
  for (const rs of request.resourceSpans as Json[]) {
    for (const ss of [...(rs.scopeSpans as Json[]), ...(rs.instrumentationLibrarySpans as Json[])]) {
      for (const span of ss.spans as Json[]) {
        span.traceId = hex(span.traceId);
        span.spanId = hex(span.spanId);
        span.parentSpanId = hex(span.parentSpanId);
      }
    }
  }
  return request;
}
