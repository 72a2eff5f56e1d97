/** Temporal's OpenTelemetry interceptors in the worker, on ordeal's worker tracing (OTLP/HTTP to the world and `--otlp-endpoint`). */
import { createRequire } from 'node:module';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetryWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSink } from '@temporalio/worker';
import { ATTR, otlpExporters, startWorkerTracing } from '../../harness/telemetry/index.js';

/** The workflow-side interceptors module, bundled with the workflow code. */
export const workflowInterceptorModule = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export const SERVICE_NAME = 'ordeal-worker-temporal';

export interface WorkerTelemetry {
  activity: ActivityInterceptorsFactory[];
  exporterSink: InjectedSink<OpenTelemetryWorkflowExporter>;
  shutdown(): Promise<void>;
}

/**
 * Activity spans (`RunActivity`, and the `chat`/`execute_tool` spans inside) go through the Node SDK that
 * `startWorkerTracing` registers (simple processor: a SIGKILL loses only open spans); workflow spans come out
 * of the isolate through a sink and are exported with the same resource (`service.name`, `process.pid`, run id).
 */
export function workerTelemetry(env: NodeJS.ProcessEnv = process.env): WorkerTelemetry {
  const tracing = startWorkerTracing(SERVICE_NAME, env);
  const resource = resourceFromAttributes({
    'service.name': SERVICE_NAME,
    'process.pid': process.pid,
    ...(env.ORDEAL_RUN_ID ? { [ATTR.runId]: env.ORDEAL_RUN_ID } : {}),
  });
  const exporters = otlpExporters(env.ORDEAL_WORLD_URL, env.ORDEAL_OTLP_ENDPOINT);
  const workflowSpans: SpanExporter = {
    export: (spans, done) => {
      const upgraded = spans.map(fromWorkflowIsolate);
      let left = exporters.length;
      if (left === 0) return done({ code: 0 });
      for (const e of exporters) e.export(upgraded, (r) => --left === 0 && done(r));
    },
    shutdown: async () => void (await Promise.allSettled(exporters.map((e) => e.shutdown()))),
  };
  return {
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    exporterSink: makeWorkflowExporter(workflowSpans as never, resource),
    shutdown: async () => {
      await Promise.all([tracing.shutdown(1000), Promise.race([workflowSpans.shutdown(), new Promise((r) => setTimeout(r, 1000).unref())])]);
    },
  };
}

/** Workflow spans are made by the interceptor's bundled SDK 1.x: give them the 2.x fields the exporter reads. */
function fromWorkflowIsolate(s: ReadableSpan): ReadableSpan {
  const old = s as ReadableSpan & { parentSpanId?: string; instrumentationLibrary?: { name: string; version?: string } };
  const ctx = s.spanContext();
  return Object.assign(Object.create(null) as object, old, {
    spanContext: () => ctx,
    parentSpanContext:
      old.parentSpanContext ?? (old.parentSpanId ? { traceId: ctx.traceId, spanId: old.parentSpanId, traceFlags: ctx.traceFlags } : undefined),
    instrumentationScope: old.instrumentationScope ?? old.instrumentationLibrary ?? { name: '@temporalio/interceptors-opentelemetry' },
    droppedAttributesCount: old.droppedAttributesCount ?? 0,
    droppedEventsCount: old.droppedEventsCount ?? 0,
    droppedLinksCount: old.droppedLinksCount ?? 0,
  });
}
