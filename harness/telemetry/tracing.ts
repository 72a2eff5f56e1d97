/** `startTracing`: OpenTelemetry for a JavaScript worker, exporting to the world's `/v1/traces` (and a user's collector). */
import { ROOT_CONTEXT, trace, type Context, type Tracer } from '@opentelemetry/api';

export interface TracingOptions {
  /** `service.name` of the resource, e.g. `ordeal-worker-reference`. */
  serviceName: string;
  /** The world's base URL (`ORDEAL_WORLD_URL`); spans go to `<worldUrl>/v1/traces`. */
  worldUrl: string;
  /** Also export to this OTLP/HTTP collector (`ORDEAL_OTLP_ENDPOINT`, from `--otlp-endpoint`). */
  otlpEndpoint?: string;
  runId?: string;
  /** W3C `traceparent` of the case (`TRACEPARENT`); the worker's spans join the case's trace. */
  traceparent?: string;
  /**
   * `simple` (default) exports each span as it ends, so a SIGKILL loses only spans still open;
   * `batch` sends every 100 ms (fewer requests, loses up to 100 ms of ended spans on a kill);
   * `off` starts no SDK: spans are no-ops (`ordeal bench` measures the frameworks, not ordeal's instrumentation).
   */
  processor?: SpanExport;
  /** Extra resource attributes. */
  resource?: Record<string, string | number | boolean>;
}

/** How workers export their spans (`ORDEAL_SPAN_EXPORT`): see TracingOptions.processor. */
export const SPAN_EXPORTS = ['simple', 'batch', 'off'] as const;
export type SpanExport = (typeof SPAN_EXPORTS)[number];

/** `ORDEAL_SPAN_EXPORT` as one of SPAN_EXPORTS; unset or empty is `simple`, anything else undefined (the CLI rejects it). */
export function spanExportOf(env: NodeJS.ProcessEnv = process.env): SpanExport | undefined {
  const v = env.ORDEAL_SPAN_EXPORT;
  if (v === undefined || v === '') return 'simple';
  return (SPAN_EXPORTS as readonly string[]).includes(v) ? (v as SpanExport) : undefined;
}

/**
 * The OpenTelemetry SDK (NodeSDK, OTLP exporters, W3C propagation), loaded only when this process may export spans:
 * a worker started with ORDEAL_SPAN_EXPORT=off is ready without loading it (its spans are no-ops).
 */
const sdk = spanExportOf() === 'off' ? undefined : await import('./tracing-sdk.js');

function sdkMissing(): never {
  throw new Error('startTracing: the OpenTelemetry SDK was not loaded (ORDEAL_SPAN_EXPORT=off when this process started)');
}

export interface Tracing {
  tracer: Tracer;
  /** The case's context (from `traceparent`): the parent of spans started outside any other span. */
  caseContext: Context;
  runId?: string;
  /** Flushes what was ended and stops exporting; bounded by `timeoutMs` so exit never hangs. */
  shutdown(timeoutMs?: number): Promise<void>;
}

export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent || !sdk) return ROOT_CONTEXT;
  return sdk.w3c.extract(ROOT_CONTEXT, { traceparent }, { get: (c, k) => (c as Record<string, string>)[k], keys: (c) => Object.keys(c as object) });
}

export function traceparentOf(ctx: Context): string | undefined {
  if (!sdk) return undefined;
  const carrier: Record<string, string> = {};
  sdk.w3c.inject(ctx, carrier, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
  return carrier.traceparent;
}

let active: Tracing | undefined;

/** The tracing started in this process, if any (span helpers use it for the case context and run id). */
export function currentTracing(): Tracing | undefined {
  return active;
}

/** Starts the OpenTelemetry Node SDK for this process; call once, first thing in the worker. */
export function startTracing(o: TracingOptions): Tracing {
  if (active) return active;
  if (o.processor === 'off') {
    active = {
      tracer: trace.getTracer('ordeal'),
      caseContext: contextFromTraceparent(o.traceparent ?? process.env.TRACEPARENT),
      ...(o.runId ? { runId: o.runId } : {}),
      shutdown: () => Promise.resolve(),
    };
    return active;
  }
  const sdkShutdown = (sdk ?? sdkMissing()).startSdk(o);
  const traceparent = o.traceparent ?? process.env.TRACEPARENT;
  let down: Promise<void> | undefined;
  active = {
    tracer: trace.getTracer('ordeal'),
    caseContext: contextFromTraceparent(traceparent),
    ...(o.runId ? { runId: o.runId } : {}),
    shutdown(timeoutMs = 2000) {
      down ??= Promise.race([sdkShutdown().catch(() => undefined), new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
      return down;
    },
  };
  return active;
}

/** `startTracing` from the environment ordeal gives every worker (ORDEAL_WORLD_URL, ORDEAL_RUN_ID, TRACEPARENT, ORDEAL_OTLP_ENDPOINT). */
export function startWorkerTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  return startTracing({
    serviceName,
    worldUrl: env.ORDEAL_WORLD_URL ?? '',
    ...(env.ORDEAL_RUN_ID ? { runId: env.ORDEAL_RUN_ID } : {}),
    ...(env.ORDEAL_OTLP_ENDPOINT ? { otlpEndpoint: env.ORDEAL_OTLP_ENDPOINT } : {}),
    ...(env.TRACEPARENT ? { traceparent: env.TRACEPARENT } : {}),
    // simple (default): each span leaves as it ends, so a SIGKILL loses only open spans; batch: cheaper, loses up to
    // 100 ms; off: no spans at all
    processor: spanExportOf(env) ?? 'simple',
  });
}
