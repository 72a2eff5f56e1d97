/** Composing checker results into one verdict, Jepsen style: false beats unknown beats true. */
import { ensureError } from '../errors.js';
import type { RunRecord } from '../store/types.js';
import type { Checker, CheckResult, Validity, Verdict } from './types.js';
import { isRecord } from './util.js';

/** false if any result is false, else unknown if any is unknown, else true (also for no results). */
export function composeVerdict(results: Iterable<Pick<CheckResult, 'valid'>>): Validity {
  let valid: Validity = true;
  for (const r of results) {
    if (r.valid === false) return false;
    if (r.valid !== true) valid = 'unknown';
  }
  return valid;
}

/** Runs one checker; a checker that throws or returns garbage yields `unknown`, never a crash. */
export function runChecker(checker: Checker, run: RunRecord): CheckResult {
  try {
    const r: unknown = checker.check(run);
    if (!isRecord(r) || !Array.isArray(r.anomalies) || !isRecord(r.metrics)) {
      throw new Error('it returned something that is not a check result');
    }
    // a metric the checker does not declare could never be gated on (a threshold must name a declared one)
    const undeclared = Object.keys(r.metrics).filter((m) => !checker.metrics.includes(m));
    if (undeclared.length) throw new Error(`it reported metrics it does not declare (${undeclared.join(', ')})`);
    const valid = r.valid === true || r.valid === false ? r.valid : 'unknown';
    return { valid, anomalies: r.anomalies, metrics: r.metrics as Record<string, number> };
  } catch (e) {
    return {
      valid: 'unknown',
      anomalies: [{ kind: 'checker-crashed', message: `The ${checker.name} checker crashed: ${ensureError(e).message}`, witnesses: {} }],
      metrics: {},
    };
  }
}

/** Runs every checker on a run and composes the verdict; metrics are prefixed by checker name. */
export function runCheckers(run: RunRecord, checkers: Iterable<Checker>, replayCommand: string): Verdict {
  const checks: Record<string, CheckResult> = {};
  const metrics: Record<string, number> = {};
  for (const checker of checkers) {
    const result = runChecker(checker, run);
    checks[checker.name] = result;
    for (const [name, value] of Object.entries(result.metrics)) metrics[`${checker.name}.${name}`] = value;
  }
  return { valid: composeVerdict(Object.values(checks)), checks, metrics, replay: replayCommand };
}
