/** Did the schedule happen as asked? A fault that failed to fire leaves the case untested, so the verdict cannot be true. */
import { textOf } from '../json.js';
import type { RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { indexOf, opsOf, valueOf } from './util.js';

export const faultsApplied: Checker = {
  name: 'faults-applied',
  metrics: ['scheduled', 'fired', 'firings', 'failed'],
  description: 'Every fault that fired also healed; a fault that failed to fire makes the verdict unknown (the case did not test what was asked).',
  check(run: RunRecord): CheckResult {
    const faults = opsOf(run?.history)
      .map((op, position) => ({ op, position }))
      .filter(({ op }) => op.f === 'fault');
    const anomalies: Anomaly[] = faults
      .filter(({ op }) => op.type === 'fail')
      .map(({ op, position }) => {
        const v = valueOf(op);
        return {
          kind: 'fault-failed',
          message: `fault ${String(v.fault)}@${String(v.at)} could not be applied: ${textOf(v.error ?? 'no reason recorded')}.`,
          witnesses: { ops: [indexOf(op, position)] },
        };
      });
    // a repeating fault (crash-loop) fires more than once: `fired` counts the schedule's faults that fired, `firings` every firing
    const invokes = faults.filter(({ op }) => op.type === 'invoke');
    const fired = new Set(invokes.map(({ op, position }) => valueOf(op).index ?? `#${position}`)).size;
    const scheduled = Array.isArray(run?.info?.schedule) ? run.info.schedule.length : 0;
    return {
      valid: anomalies.length > 0 ? 'unknown' : true,
      anomalies,
      metrics: { scheduled, fired, firings: invokes.length, failed: anomalies.length },
    };
  },
};
