/** Time from each disruption (a fault, a worker death) to the next progress of the run (ARCHITECTURE.md § Checker contract). */
import { InputError } from '../errors.js';
import type { Op, RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { indexOf, isRecord, num, opsOf, valueOf } from './util.js';

export interface RecoveryThresholds {
  /** A recovery slower than this makes the run invalid. */
  maxRecoveryMs?: number;
}

/** Progress: an answered model call, an applied effect, a resource read or write, a journaled step, or the run's end. */
function isProgress(op: Op): boolean {
  const v = valueOf(op);
  if (op.f === 'outcome') return v.status === 'completed';
  if (!op.process?.startsWith('worker') && !op.process?.startsWith('engine')) return false;
  if (op.type === 'ok' && (op.f === 'llm' || op.f === 'effect' || op.f === 'resource')) return true;
  return op.f === 'probe' && v.point === 'step:journaled';
}

/** A fault starting, or a worker that died on its own (kills by a fault are counted by the fault). */
function isDisruption(op: Op): boolean {
  if (op.f === 'fault' && op.type === 'invoke') return true;
  return op.f === 'death' && op.process?.startsWith('worker') === true && valueOf(op).expected === false;
}

function label(op: Op): string {
  const v = valueOf(op);
  return op.f === 'fault' ? `fault ${String(v.fault)}@${String(v.at)}` : `the death of ${op.process}`;
}

export function recovery(thresholds: RecoveryThresholds = {}): Checker {
  const bound = thresholds.maxRecoveryMs;
  if (bound !== undefined && !(Number.isFinite(bound) && bound >= 0))
    throw new InputError(`recovery threshold maxRecoveryMs must be a number of milliseconds ≥ 0, got ${String(bound)}.`);
  return {
    name: 'recovery',
    description: 'Time from each fault or worker death to the next progress of the run; a run that never progresses again is flagged.',
    check(run: RunRecord): CheckResult {
      const history = opsOf(run?.history);
      const completed = isRecord(run?.outcome) && run.outcome.status === 'completed';
      const anomalies: Anomaly[] = [];
      const times: number[] = [];
      history.forEach((op, position) => {
        if (!isDisruption(op)) return;
        const at = indexOf(op, position);
        const nextPos = history.findIndex((p, i) => i > position && isProgress(p));
        if (nextPos < 0) {
          if (!completed)
            anomalies.push({ kind: 'no-recovery', message: `The run made no progress after ${label(op)} (op #${at}).`, witnesses: { ops: [at] } });
          return;
        }
        const next = history[nextPos]!;
        const ms = Math.max(0, (num(next.time) ?? 0) - (num(op.time) ?? 0));
        times.push(ms);
        if (bound !== undefined && ms > bound)
          anomalies.push({
            kind: 'slow-recovery',
            message: `The run took ${Math.round(ms)} ms to progress after ${label(op)} (op #${at}), more than maxRecoveryMs = ${bound}.`,
            witnesses: { ops: [at, indexOf(next, nextPos)] },
          });
      });
      const metrics: Record<string, number> = { disruptions: times.length + anomalies.filter((a) => a.kind === 'no-recovery').length };
      if (times.length > 0) {
        metrics.maxRecoveryMs = Math.round(Math.max(...times));
        metrics.meanRecoveryMs = Math.round(times.reduce((a, b) => a + b, 0) / times.length);
      }
      return { valid: anomalies.length === 0, anomalies, metrics };
    },
  };
}
