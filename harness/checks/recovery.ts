/**
 * Time from each disruption (a fault, a worker death) to the next progress of the run (ARCHITECTURE.md § Checker
 * contract), not counting what a process the fault stopped did before it died.
 */
import type { Op, RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { indexOf, isRecord, num, opsOf, valueOf } from './util.js';
import { expectationOf } from './expectation.js';

/** Progress: an answered model call, an applied effect, a resource read or write, a journaled step, or the run's end. */
function isProgress(op: Op): boolean {
  const v = valueOf(op);
  if (op.f === 'outcome') return v.status === 'completed';
  if (!op.process?.startsWith('worker') && !op.process?.startsWith('engine')) return false;
  if (op.type === 'ok' && (op.f === 'llm' || op.f === 'effect' || op.f === 'resource')) return true;
  return op.f === 'probe' && v.point === 'step:journaled';
}

/**
 * A fault starting, or a worker or engine process that died on its own (kills by a fault are counted by the fault; the
 * world dying is the harness's failure, not the system's).
 */
function isDisruption(op: Op): boolean {
  if (op.f === 'fault' && op.type === 'invoke') return true;
  return op.f === 'death' && op.process !== undefined && op.process !== 'world' && valueOf(op).expected === false;
}

function label(op: Op): string {
  const v = valueOf(op);
  return op.f === 'fault' ? `fault ${String(v.fault)}@${String(v.at)}` : `the death of ${op.process}`;
}

/** One disruption and, when the run moved again, the op that shows it and how long it took. */
export interface Recovery {
  /** The disruption's op (its index in the history). */
  op: number;
  label: string;
  progressOp?: number;
  ms?: number;
}

/**
 * Where each process that a fault stopped died, by name: the harness's stops (deaths it expected) between the fault's
 * start and its end (`ok`). A process stopped gracefully (a deploy's SIGTERM, 3 s before its SIGKILL) may still make
 * progress between the two; that is the old process finishing up, not the run recovering.
 */
function stoppedBy(ops: Op[], position: number): Map<string, number> {
  const fault = ops[position]!;
  // the fault's own `ok` (by id; by the fault's name in a history without ids); none recorded: nothing is excluded
  const end = ops.findIndex(
    (p, i) =>
      i > position && p.f === 'fault' && p.type === 'ok' && (fault.id !== undefined ? p.id === fault.id : valueOf(p).fault === valueOf(fault).fault),
  );
  const stopped = new Map<string, number>();
  for (let i = position + 1; i < end; i++) {
    const p = ops[i]!;
    if (p.f === 'death' && valueOf(p).expected === true && p.process !== undefined && !stopped.has(p.process)) stopped.set(p.process, i);
  }
  return stopped;
}

/** The recovery measure, computed once for the checker, the gate (`recovery.maxRecoveryMs`) and the bench. */
export function recoveries(history: unknown): Recovery[] {
  const ops = opsOf(history);
  const out: Recovery[] = [];
  ops.forEach((op, position) => {
    if (!isDisruption(op)) return;
    const stopped = op.f === 'fault' ? stoppedBy(ops, position) : new Map<string, number>();
    const dying = (p: Op, i: number) => p.process !== undefined && i < (stopped.get(p.process) ?? -1);
    const nextPos = ops.findIndex((p, i) => i > position && isProgress(p) && !dying(p, i));
    const r: Recovery = { op: indexOf(op, position), label: label(op) };
    if (nextPos >= 0) {
      const next = ops[nextPos]!;
      Object.assign(r, { progressOp: indexOf(next, nextPos), ms: Math.max(0, (num(next.time) ?? 0) - (num(op.time) ?? 0)) });
    }
    out.push(r);
  });
  return out;
}

export const recovery: Checker = {
  name: 'recovery',
  metrics: ['disruptions', 'maxRecoveryMs', 'meanRecoveryMs'],
  description:
    'Time from each fault, or worker or engine death on its own, to the next progress of the run; a run that never progresses again is flagged.',
  check(run: RunRecord): CheckResult {
    const status = isRecord(run?.outcome) ? run.outcome.status : undefined;
    // a run that ended as expected needs no progress after its last disruption: it completed, or a crash loop spent a
    // call's attempts and the run failed, as its retry policy says it must
    const ended = status === 'completed' || (status === 'failed' && expectationOf(run).spent !== undefined);
    const all = recoveries(run?.history);
    const anomalies: Anomaly[] = all
      .filter((r) => r.ms === undefined && !ended)
      .map((r) => ({ kind: 'no-recovery', message: `The run made no progress after ${r.label} (op #${r.op}).`, witnesses: { ops: [r.op] } }));
    const times = all.flatMap((r) => (r.ms === undefined ? [] : [r.ms]));
    const metrics: Record<string, number> = { disruptions: times.length + anomalies.length };
    if (times.length > 0) {
      metrics.maxRecoveryMs = Math.round(Math.max(...times));
      metrics.meanRecoveryMs = Math.round(times.reduce((a, b) => a + b, 0) / times.length);
    }
    return { valid: anomalies.length === 0, anomalies, metrics };
  },
};
