/** Temporal's OpenTelemetry interceptors in the worker, exporting OTLP/HTTP JSON to the world's `/v1/traces`. */
import { createRequire } from 'node:module';
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation, ROOT_CONTEXT, trace, type Context, type ContextManager, type TextMapPropagator } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetryWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSink } from '@temporalio/worker';

/** The workflow-side interceptors module, bundled with the workflow code. */
export const workflowInterceptorModule = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export interface WorkerTelemetry {
  activity: ActivityInterceptorsFactory[];
  exporterSink: InjectedSink<OpenTelemetryWorkflowExporter>;
  shutdown(): Promise<void>;
}

export function workerTelemetry(worldUrl: string, runId: string): WorkerTelemetry {
  const resource = resourceFromAttributes({ 'service.name': 'ordeal-temporal-worker', 'ordeal.run_id': runId });
  // Simple (not batched): a SIGKILLed worker must not take a buffer of finished spans with it.
  const exporter = new OTLPTraceExporter({ url: `${worldUrl}/v1/traces` });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncContext());
  propagation.setGlobalPropagator(traceparent); // so an activity's span joins the workflow's trace through the activity headers
  const upgrading: SpanExporter = {
    export: (spans, done) => exporter.export(spans.map(fromWorkflowIsolate), done),
    shutdown: () => exporter.shutdown(),
  };
  return {
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    exporterSink: makeWorkflowExporter(upgrading as never, resource as never),
    shutdown: () => provider.shutdown(),
  };
}

/** Workflow spans are made by the interceptor's bundled SDK 1.x: give them the 2.x fields the exporter reads. */
function fromWorkflowIsolate(s: ReadableSpan): ReadableSpan {
  const old = s as ReadableSpan & { parentSpanId?: string; instrumentationLibrary?: { name: string; version?: string } };
  const ctx = s.spanContext();
  return Object.assign(Object.create(null) as object, old, {
    spanContext: () => ctx,
    parentSpanContext: old.parentSpanContext ?? (old.parentSpanId ? { traceId: ctx.traceId, spanId: old.parentSpanId, traceFlags: ctx.traceFlags } : undefined),
    instrumentationScope: old.instrumentationScope ?? old.instrumentationLibrary ?? { name: '@temporalio/interceptors-opentelemetry' },
    droppedAttributesCount: old.droppedAttributesCount ?? 0,
    droppedEventsCount: old.droppedEventsCount ?? 0,
    droppedLinksCount: old.droppedLinksCount ?? 0,
  }) as ReadableSpan;
}

/** W3C `traceparent`, the format the workflow-side interceptor writes into activity headers. */
const traceparent: TextMapPropagator = {
  inject(ctx: Context, carrier, setter) {
    const sc = trace.getSpanContext(ctx);
    if (sc && trace.isSpanContextValid(sc)) setter.set(carrier, 'traceparent', `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`);
  },
  extract(ctx: Context, carrier, getter) {
    const raw = getter.get(carrier, 'traceparent');
    const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(Array.isArray(raw) ? raw[0] : (raw ?? '')).trim());
    return m ? trace.setSpanContext(ctx, { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true }) : ctx;
  },
  fields: () => ['traceparent'],
};

/** The active OpenTelemetry context on AsyncLocalStorage: the activity interceptor starts its span inside `context.with`. */
class AsyncContext implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>();
  active = (): Context => this.als.getStore() ?? ROOT_CONTEXT;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.als.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(ctx: Context, target: T): T {
    return typeof target === 'function' ? ((((...a: unknown[]) => this.with(ctx, () => (target as (...x: unknown[]) => unknown)(...a))) as unknown) as T) : target;
  }
  enable = (): this => this;
  disable = (): this => (this.als.disable(), this);
}
