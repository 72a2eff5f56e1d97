/** What refund-agent under `kill-worker@after-effect:1` must show, the same on every adapter. */
import { expect } from 'vitest';
import { refundEntries } from './run-folder.js';

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
