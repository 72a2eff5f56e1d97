/**
 * Metrics derived from the spans and the history of a run folder, merged into verdict.json as `telemetry.*`. Recovery times
 * and repeated model calls are the checkers' (`recovery.*`, `wasted-work.*`), measured once there.
 */
import type { Op, RunRecord, SpanRecord } from '../store/index.js';
import { quantile } from '../stats.js';
import { ATTR } from './attributes.js';

const ms = (nanos: string): number => Number(BigInt(nanos) / 1000n) / 1000;

/** Spans that ran a step for real (not answered from the journal). */
function stepExecutions(spans: SpanRecord[]): SpanRecord[] {
  return spans.filter((s) => s.attributes[ATTR.step] !== undefined && s.attributes[ATTR.replayed] !== true);
}

/**
 * Re-executions and retries, from step spans: a later execution of the same step is a retry when the
 * same process saw an earlier attempt of it fail, and a re-execution otherwise (redone after a crash).
 */
function redone(spans: SpanRecord[]): { retries: number; reexecuted: number } {
  const byStep = new Map<string, SpanRecord[]>();
  for (const s of stepExecutions(spans)) {
    const key = `${s.traceId}|${String(s.attributes[ATTR.step])}`;
    byStep.set(key, [...(byStep.get(key) ?? []), s]);
  }
  let retries = 0;
  let reexecuted = 0;
  for (const list of byStep.values()) {
    list.sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    list.forEach((s, i) => {
      const attempt = Number(s.attributes[ATTR.attempt] ?? 1);
      const failedBefore = list
        .slice(0, i)
        .some((p) => p.resource['process.pid'] === s.resource['process.pid'] && p.attributes['error.type'] !== undefined);
      if (i === 0 && attempt <= 1) return;
      if (failedBefore) retries++;
      else reexecuted++;
    });
  }
  return { retries, reexecuted };
}

/** Time between each approval request and its decision, summed. */
function approvalWaitMs(history: Op[]): number | undefined {
  const requested = new Map<string, number>();
  let total: number | undefined;
  for (const op of history) {
    if (op.f !== 'approval') continue;
    const id = String(op.value.id);
    if (op.value.event === 'requested' && !requested.has(id)) requested.set(id, op.time);
    if (op.value.event === 'decided' && requested.has(id)) {
      total = (total ?? 0) + (op.time - requested.get(id)!);
      requested.delete(id);
    }
  }
  return total;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** The names of the metrics `deriveMetrics` may give (verdict.json: `telemetry.<name>`), for checking a gate threshold's name. */
export const TELEMETRY_METRICS = [
  'stepLatencyP50Ms',
  'stepLatencyP99Ms',
  'stepSpans',
  'replayedSteps',
  'retries',
  'reexecutedSteps',
  'approvalWaitMs',
] as const;

/** Every metric this module derives, named without prefix; absent when the run has nothing to measure it by. */
export function deriveMetrics(run: Pick<RunRecord, 'history' | 'spans'>): Record<string, number> {
  const history = run.history ?? [];
  const spans = run.spans ?? [];
  const out: Record<string, number> = {};
  const latencies = stepExecutions(spans).map((s) => ms(s.endTimeUnixNano) - ms(s.startTimeUnixNano));
  const p50 = quantile(latencies, 0.5);
  const p99 = quantile(latencies, 0.99);
  if (p50 !== undefined && p99 !== undefined) Object.assign(out, { stepLatencyP50Ms: round(p50), stepLatencyP99Ms: round(p99) });
  out.stepSpans = latencies.length;
  out.replayedSteps = spans.filter((s) => s.attributes[ATTR.replayed] === true).length;
  const { retries, reexecuted } = redone(spans);
  out.retries = retries;
  out.reexecutedSteps = reexecuted;
  const wait = approvalWaitMs(history);
  if (wait !== undefined) out.approvalWaitMs = round(wait);
  return out;
}

/** The metrics as they appear in verdict.json. */
export function telemetryMetrics(run: Pick<RunRecord, 'history' | 'spans'>): Record<string, number> {
  return Object.fromEntries(Object.entries(deriveMetrics(run)).map(([k, v]) => [`telemetry.${k}`, v]));
}
