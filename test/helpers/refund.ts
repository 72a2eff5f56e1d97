/** What refund-agent under `kill-worker@after-effect:1` must show, the same on every adapter. */
import { expect } from 'vitest';
import { history, refundEntries, verdict } from './run-folder.js';

/** The fields of a case (as `ordeal run --json` prints it) these assertions read. */
interface Judged {
  runDir: string;
  checks: Record<string, { anomalies: { kind: string }[] }>;
}

/** `--idempotency none`: the restarted worker refunds again without a key, and exactly-once-effects names the duplicate. */
export function expectRefundTwice(c: Judged): void {
  expect(c.checks['exactly-once-effects']!.anomalies.map((a) => a.kind)).toContain('duplicate');
  expect(refundEntries(c.runDir).map((e) => [e.outcome, e.key])).toEqual([
    ['applied', null],
    ['applied', null],
  ]);
}

/** `--idempotency framework`: the re-sent refund carries the first one's key (of the framework's form `key`) and is deduplicated; returns the key. */
export function expectRefundDeduplicated(c: Pick<Judged, 'runDir'>, key: RegExp): string {
  const refunds = refundEntries(c.runDir);
  expect(refunds.map((e) => e.outcome)).toEqual(['applied', 'deduplicated']);
  expect(refunds[1]!.key).toBe(refunds[0]!.key);
  expect(refunds[0]!.key).toMatch(key);
  return refunds[0]!.key!;
}

/** What a crash loop on the refund (`crash-loop@before-effect:1,times=N`) left: the refund's attempts at the world, the kills, the outcome, the refunds applied. */
export function crashLoopOnRefund(runDir: string): { attempts: number; kills: number; status: unknown; applied: number; attemptsMetric: unknown } {
  const h = history(runDir);
  return {
    attempts: h.filter((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042').length,
    kills: h.filter((o) => o.f === 'fault' && o.type === 'invoke' && o.value.fault === 'crash-loop').length,
    status: h.find((o) => o.f === 'outcome')?.value.status,
    applied: refundEntries(runDir).filter((e) => e.outcome === 'applied').length,
    attemptsMetric: verdict(runDir).checks['retry-bound']?.metrics.attempts,
  };
}

/**
 * A framework that does not count a crashed attempt against its retry policy: the refund's `policy` attempts all crash
 * (crash-loop, times=policy), and it tries once more, where the policy would have failed the run. retry-bound says so.
 */
export function expectRetriedBeyondPolicy(c: Judged, policy: number): void {
  expect(Object.keys(c.checks).filter((n) => c.checks[n]!.anomalies.length > 0)).toEqual(['retry-bound']);
  expect(c.checks['retry-bound']!.anomalies.map((a) => a.kind)).toEqual(['retries-beyond-policy']);
  const seen = crashLoopOnRefund(c.runDir);
  expect({ ...seen, attempts: undefined, attemptsMetric: undefined }).toEqual({ kills: policy, status: 'completed', applied: 1 });
  // policy + 1 as a rule; an engine that dispatches a restarted activity twice at once (dapr/dapr #9903) sends more
  expect(seen.attempts).toBeGreaterThanOrEqual(policy + 1);
  expect(seen.attemptsMetric).toBe(seen.attempts);
}
