/** The OpenTelemetry SDK side of tracing: OTLP exporters, span processors, W3C propagation and a started NodeSDK. */
import { propagation } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { core, NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR } from './attributes.js';
import type { TracingOptions } from './tracing.js';

/** OTLP/HTTP endpoint for traces: a base URL gets `/v1/traces`, a full path is kept. */
export function tracesUrl(endpoint: string): string {
  const u = new URL(endpoint);
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/v1/traces';
  return u.toString();
}

export function otlpExporters(worldUrl: string | undefined, otlpEndpoint: string | undefined, pid = process.pid): SpanExporter[] {
  const out: SpanExporter[] = [];
  // the pid header lets the world name the sender, as with every other request
  if (worldUrl) out.push(new OTLPTraceExporter({ url: `${worldUrl}/v1/traces`, headers: { 'x-ordeal-pid': String(pid) }, timeoutMillis: 3000 }));
  if (otlpEndpoint) out.push(new OTLPTraceExporter({ url: tracesUrl(otlpEndpoint), timeoutMillis: 3000 }));
  return out;
}

export function processorFor(exporter: SpanExporter, kind: 'simple' | 'batch'): SpanProcessor {
  return kind === 'batch'
    ? new BatchSpanProcessor(exporter, { scheduledDelayMillis: 100, maxExportBatchSize: 256, maxQueueSize: 4096 })
    : new SimpleSpanProcessor(exporter);
}

/** W3C trace-context propagation, set explicitly so OTEL_PROPAGATORS cannot break the case's one trace. */
export const w3c = new core.W3CTraceContextPropagator();

/** Starts the Node SDK for this process with `o`'s exporters and processor; returns its shutdown. */
export function startSdk(o: TracingOptions): () => Promise<void> {
  const exporters = otlpExporters(o.worldUrl, o.otlpEndpoint);
  const kind = o.processor === 'batch' ? 'batch' : 'simple';
  const processors = exporters.map((e) => processorFor(e, kind));
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': o.serviceName,
      'process.pid': process.pid,
      ...(o.runId ? { [ATTR.runId]: o.runId } : {}),
      ...o.resource,
    }),
    autoDetectResources: false,
    spanProcessors: processors,
    // traces only: no metric readers or log exporters pointing at a default collector
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  propagation.setGlobalPropagator(w3c);
  return () => sdk.shutdown();
}
