/**
 * A call that crashes its worker at every attempt is attempted no more often than the adapter's retry policy allows:
 * a framework that counts only the failures it saw thrown retries a crash for ever (dapr/dapr #9744). Only a schedule
 * with `crash-loop` is judged, and only on an adapter that declares its policy's attempts (`stepAttempts`).
 */
import type { RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { crashLoops } from './crash-loops.js';
import { listRefs } from './util.js';

function check(run: RunRecord): CheckResult {
  const loops = crashLoops(run);
  if (loops.length === 0) return { valid: true, anomalies: [], metrics: {} };
  const anomalies: Anomaly[] = loops
    .filter((l) => l.policy !== undefined && l.attempts > l.policy)
    .map((l) => ({
      kind: 'retries-beyond-policy',
      message:
        `${l.call} was attempted ${l.attempts} times, beyond the ${l.policy} attempts of the adapter's retry policy: ${l.kills} of them ` +
        `crashed the worker (crash-loop, times=${l.times}) and the framework did not count them against the policy, so it would have ` +
        `retried the crash for ever (requests: history ops ${listRefs(l.attemptOps)}).`,
      witnesses: { ops: l.attemptOps },
    }));
  const first = loops[0]!;
  return {
    valid: anomalies.length === 0,
    anomalies,
    metrics: { attempts: first.attempts, kills: first.kills, ...(first.policy !== undefined ? { policy: first.policy } : {}) },
  };
}

export const retryBound: Checker = {
  name: 'retry-bound',
  metrics: ['attempts', 'kills', 'policy'],
  description: "A call that crashes its worker at every attempt is attempted no more often than the adapter's retry policy allows.",
  check,
};
