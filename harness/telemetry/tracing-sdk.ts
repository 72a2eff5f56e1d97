/**
 * The OpenTelemetry SDK side of a worker's tracing: OTLP exporters, span processors, W3C propagation and a registered
 * tracer provider. A worker needs traces only, so it starts the Node tracer provider, not the whole NodeSDK (metrics,
 * logs, resource detectors and every exporter): that one import cost ~40–60 ms at each worker start.
 */
import { createRequire } from 'node:module';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR } from './attributes.js';
import type { TracingOptions } from './tracing.js';
import { WorldSpanExporter } from './world-exporter.js';

/** The library's OTLP/HTTP exporter, loaded only for a user's collector (most workers never need it: see WorldSpanExporter). */
const officialExporter = (): typeof import('@opentelemetry/exporter-trace-otlp-http') =>
  createRequire(import.meta.url)('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');

/** OTLP/HTTP endpoint for traces: a base URL gets `/v1/traces`, a full path is kept. */
export function tracesUrl(endpoint: string): string {
  const u = new URL(endpoint);
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/v1/traces';
  return u.toString();
}

export function otlpExporters(worldUrl: string | undefined, otlpEndpoint: string | undefined, pid = process.pid): SpanExporter[] {
  const out: SpanExporter[] = [];
  // the pid header lets the world name the sender, as with every other request
  if (worldUrl) out.push(new WorldSpanExporter(`${worldUrl}/v1/traces`, { 'x-ordeal-pid': String(pid) }));
  if (otlpEndpoint) out.push(new (officialExporter().OTLPTraceExporter)({ url: tracesUrl(otlpEndpoint), timeoutMillis: 3000 }));
  return out;
}

export function processorFor(exporter: SpanExporter, kind: 'simple' | 'batch'): SpanProcessor {
  return kind === 'batch'
    ? new BatchSpanProcessor(exporter, { scheduledDelayMillis: 100, maxExportBatchSize: 256, maxQueueSize: 4096 })
    : new SimpleSpanProcessor(exporter);
}

/** W3C trace-context propagation, set explicitly so OTEL_PROPAGATORS cannot break the case's one trace. */
export const w3c = new W3CTraceContextPropagator();

/** Registers a Node tracer provider for this process with `o`'s exporters and processor; returns its shutdown. */
export function startSdk(o: TracingOptions): () => Promise<void> {
  const exporters = otlpExporters(o.worldUrl, o.otlpEndpoint);
  const kind = o.processor === 'batch' ? 'batch' : 'simple';
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': o.serviceName,
      'process.pid': process.pid,
      ...(o.runId ? { [ATTR.runId]: o.runId } : {}),
      ...o.resource,
    }),
    spanProcessors: exporters.map((e) => processorFor(e, kind)),
  });
  // the global tracer provider, an AsyncLocalStorage context manager and W3C propagation (set explicitly, so
  // OTEL_PROPAGATORS cannot break the case's one trace)
  provider.register({ propagator: w3c });
  return () => provider.shutdown();
}
