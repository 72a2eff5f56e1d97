/** Metrics derived from the spans and the history of a run folder, merged into verdict.json as `telemetry.*`. */
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
      const failedBefore = list.slice(0, i).some((p) => p.resource['process.pid'] === s.resource['process.pid'] && p.attributes['error.type'] !== undefined);
      if (i === 0 && attempt <= 1) return;
      if (failedBefore) retries++;
      else reexecuted++;
    });
  }
  return { retries, reexecuted };
}

/** Model calls for turns already answered, and the tokens they spent again (from the world's `llm` ops). */
function repeatedModelCalls(history: Op[]): { calls: number; repeated: number; respentTokens: number } {
  const answered = new Set<string>();
  const done = new Map<string, Record<string, unknown>>();
  for (const op of history) if (op.f === 'llm' && op.type === 'ok' && op.id) done.set(op.id, op.value);
  let calls = 0;
  let repeated = 0;
  let respentTokens = 0;
  for (const op of history) {
    if (op.f !== 'llm') continue;
    const turn = String(op.value.turn);
    if (op.type === 'invoke') {
      calls++;
      if (!answered.has(turn)) continue;
      repeated++;
      const ok = op.id ? done.get(op.id) : undefined;
      respentTokens += Number(ok?.promptTokens ?? op.value.promptTokens ?? 0) + Number(ok?.completionTokens ?? 0);
    } else if (op.type === 'ok') answered.add(turn);
  }
  return { calls, repeated, respentTokens };
}

/** Ops that show a worker doing the agent's work (not merely starting). */
function isProgress(op: Op): boolean {
  if (!op.process.startsWith('worker')) return false;
  if (op.f === 'probe') return op.value.point !== 'worker:ready';
  return ['llm', 'effect', 'resource', 'approval'].includes(op.f) && (op.type === 'invoke' || op.type === 'info');
}

/** One recovery: a process killed by a fault (or crashed), and the next progress of a worker that is not the dead one. */
export interface Recovery {
  process: string;
  killedAt: number;
  /** When the replacement process started, if one did. */
  restartedAt?: number;
  progressAt?: number;
  recoveryMs?: number;
}

export function recoveries(history: Op[]): Recovery[] {
  const out: Recovery[] = [];
  const faultOpen = new Set<string>();
  history.forEach((op, i) => {
    if (op.f === 'fault' && op.id) {
      if (op.type === 'invoke') faultOpen.add(op.id);
      else faultOpen.delete(op.id);
      return;
    }
    if (op.f !== 'death') return;
    // deaths while no fault fires and expected are the orchestrator stopping the case
    if (op.value.expected === true && faultOpen.size === 0) return;
    const kind = op.process.split('#')[0];
    const later = history.slice(i + 1);
    const restart = later.find((o) => o.f === 'start' && o.process.split('#')[0] === kind);
    const progress = later.find((o) => isProgress(o) && o.process !== op.process);
    out.push({
      process: op.process,
      killedAt: op.time,
      ...(restart ? { restartedAt: restart.time } : {}),
      ...(progress ? { progressAt: progress.time, recoveryMs: progress.time - op.time } : {}),
    });
  });
  return out;
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
  const llm = repeatedModelCalls(history);
  out.modelCalls = llm.calls;
  out.repeatedModelCalls = llm.repeated;
  out.respentTokens = llm.respentTokens;
  const rec = recoveries(history);
  out.recoveries = rec.length;
  const times = rec.flatMap((r) => (r.recoveryMs === undefined ? [] : [r.recoveryMs]));
  if (times.length > 0) out.recoveryMs = round(Math.max(...times));
  if (rec.length > times.length) out.unrecovered = rec.length - times.length;
  const wait = approvalWaitMs(history);
  if (wait !== undefined) out.approvalWaitMs = round(wait);
  return out;
}

/** The metrics as they appear in verdict.json. */
export function telemetryMetrics(run: Pick<RunRecord, 'history' | 'spans'>): Record<string, number> {
  return Object.fromEntries(Object.entries(deriveMetrics(run)).map(([k, v]) => [`telemetry.${k}`, v]));
}
