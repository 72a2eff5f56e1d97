/** The orchestrator's spans for one case (service `ordeal`), derived from the history as it is written. */
import { context, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { textOf } from '../json.js';
import type { HistoryWriter, Op, Outcome } from '../store/index.js';
import { ATTR } from './attributes.js';
import { CaseRouter } from './case-router.js';
import { otlpExporters, w3c } from './tracing-sdk.js';

let router: CaseRouter | undefined;
let processor: BatchSpanProcessor | undefined;

/**
 * One tracer provider for the orchestrator process, whatever the number of cases it runs. Traces only, as in the
 * workers (tracing-sdk.ts): the whole NodeSDK (metrics, logs, every exporter) cost each `ordeal` command ~120 ms of CPU
 * to load.
 */
function orchestratorSdk(): { router: CaseRouter; processor: BatchSpanProcessor } {
  if (!router || !processor) {
    router = new CaseRouter();
    // batched: the orchestrator is not the one being killed, and every case flushes before its world stops
    processor = new BatchSpanProcessor(router, { scheduledDelayMillis: 200, maxQueueSize: 8192 });
    new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'ordeal', 'process.pid': process.pid }),
      spanProcessors: [processor],
    }).register({ propagator: w3c });
  }
  return { router, processor };
}

export interface CaseTelemetryOptions {
  runId: string;
  scenario: string;
  adapter: string;
  idempotency: string;
  seed: number;
  otlpEndpoint?: string;
}

const at = (op: Op): number => op.time;

export class CaseTelemetry {
  private readonly root: Span;
  private readonly rootCtx: Context;
  /** Spans opened by an op and closed by a later one, by key. */
  private readonly open = new Map<string, Span>();
  private readonly sdk = orchestratorSdk();
  private finished = false;

  constructor(private readonly o: CaseTelemetryOptions) {
    this.root = trace.getTracer('ordeal').startSpan(`ordeal.case ${o.scenario}`, {
      root: true,
      attributes: {
        [ATTR.runId]: o.runId,
        'ordeal.scenario': o.scenario,
        'ordeal.adapter': o.adapter,
        'ordeal.idempotency': o.idempotency,
        'ordeal.seed': o.seed,
      },
    });
    this.rootCtx = trace.setSpan(context.active(), this.root);
  }

  /** Once the world is up: this case's spans go to it (and to `--otlp-endpoint`). */
  connect(worldUrl: string): void {
    this.sdk.router.add(this.o.runId, otlpExporters(worldUrl, this.o.otlpEndpoint));
  }

  /** What every worker (and engine) process of the case gets: the case's trace context and the extra collector. */
  processEnv(): Record<string, string> {
    return { TRACEPARENT: traceparentOfCtx(this.rootCtx) ?? '', ...(this.o.otlpEndpoint ? { ORDEAL_OTLP_ENDPOINT: this.o.otlpEndpoint } : {}) };
  }

  get traceId(): string {
    return this.root.spanContext().traceId;
  }

  /** Observes every op appended to the history (the history stays the one record; spans mirror it). */
  watch(history: HistoryWriter): void {
    const append = history.append.bind(history);
    history.append = (op) => {
      const full = append(op);
      try {
        this.observe(full);
      } catch {
        // telemetry never breaks a case
      }
      return full;
    };
  }

  observe(op: Op): void {
    if (this.finished) return;
    const v = op.value ?? {};
    if (op.f === 'start') {
      this.begin(`process:${op.process}`, `ordeal.process ${op.process}`, op, {
        [ATTR.process]: op.process,
        'process.pid': Number(v.pid ?? op.pid ?? 0),
      });
    } else if (op.f === 'death') {
      const attrs: Attributes = {
        [ATTR.process]: op.process,
        'ordeal.expected': v.expected === true,
        ...(v.signal ? { 'ordeal.signal': textOf(v.signal) } : {}),
        ...(typeof v.code === 'number' ? { 'process.exit.code': v.code } : {}),
      };
      this.root.addEvent('process.death', attrs, at(op));
      this.close(`process:${op.process}`, op, attrs, v.expected === true ? undefined : 'died unexpectedly');
    } else if (op.f === 'fault' && op.type === 'invoke') {
      this.begin(`fault:${op.id}`, `ordeal.fault ${String(v.fault)}`, op, {
        [ATTR.fault]: String(v.fault),
        'ordeal.fault.at': String(v.at),
        'ordeal.fault.index': Number(v.index ?? 0),
      });
    } else if (op.f === 'fault') {
      this.close(`fault:${op.id}`, op, {}, op.type === 'fail' ? textOf(v.error ?? 'fault failed') : undefined);
    } else if (op.f === 'approval' && v.event === 'requested') {
      this.begin(`approval:${String(v.id)}`, 'ordeal.approval', op, { 'ordeal.approval.id': String(v.id) });
    } else if (op.f === 'approval' && v.event === 'decided') {
      this.close(`approval:${String(v.id)}`, op, { 'ordeal.approval.approved': v.approved === true });
    } else if (op.f === 'submit' && op.type === 'invoke') {
      this.begin('submit', 'ordeal.submit', op, {});
    } else if (op.f === 'submit') {
      this.close('submit', op, {}, op.type === 'fail' ? 'submit failed' : undefined);
    }
  }

  /** Ends every open span and the case, sends them, and forgets the case; bounded so a dead world cannot hang the run. */
  async finish(outcome: Outcome, timeoutMs = 3000): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const end = performance.timeOrigin + performance.now();
    for (const span of this.open.values()) span.end(end);
    this.open.clear();
    this.root.setAttribute('ordeal.outcome', outcome.status);
    if (outcome.status === 'failed') this.root.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
    this.root.end(end);
    await Promise.race([this.sdk.processor.forceFlush().catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    await this.sdk.router.remove(this.o.runId);
  }

  private begin(key: string, name: string, op: Op, attributes: Attributes): void {
    this.open.get(key)?.end(at(op));
    const span = trace
      .getTracer('ordeal')
      .startSpan(name, { startTime: at(op), attributes: { [ATTR.runId]: this.o.runId, ...attributes } }, this.rootCtx);
    this.open.set(key, span);
  }

  private close(key: string, op: Op, attributes: Attributes, error?: string): void {
    const span = this.open.get(key);
    if (!span) return;
    this.open.delete(key);
    span.setAttributes(attributes);
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    span.end(at(op));
  }
}

/** The W3C `traceparent` of a context (the orchestrator always has the SDK, whatever ORDEAL_SPAN_EXPORT says). */
function traceparentOfCtx(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
  return carrier.traceparent;
}
