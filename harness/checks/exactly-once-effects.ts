/** Every logical effect the scenario expects was applied exactly once at the world (ARCHITECTURE.md § Checker contract). */
import type { LedgerEntry, Op, RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { expectationOf, whenRejected } from './expectation.js';
import { entriesOf, indexOf, isRecord, listRefs, num, opsOf, times, valueOf } from './util.js';

/** How many times each logical effect must be applied; repeated ids add up. */
function expectedCounts(effects: unknown): Map<string, number> {
  const expected = new Map<string, number>();
  if (!Array.isArray(effects)) return expected;
  for (const e of effects) {
    if (!isRecord(e) || typeof e.id !== 'string') continue;
    const count = num(e.count) ?? 1;
    expected.set(e.id, (expected.get(e.id) ?? 0) + count);
  }
  return expected;
}

/** Indexes of the `effect` ops for a logical effect, optionally only for the given attempts. */
function effectOps(history: Op[], effect: string, attempts?: Set<number>): number[] {
  const invokes = new Map<string, number>();
  const found: number[] = [];
  history.forEach((op, position) => {
    if (op.f !== 'effect') return;
    const v = valueOf(op);
    if (op.type === 'invoke') {
      if (v.effect !== effect) return;
      const attempt = num(v.attempt);
      if (attempts && (attempt === undefined || !attempts.has(attempt))) return;
      found.push(indexOf(op, position));
      if (typeof op.id === 'string') invokes.set(op.id, position);
    } else if (typeof op.id === 'string' && invokes.has(op.id)) {
      found.push(indexOf(op, position));
    }
  });
  return found;
}

function describeRequest(e: LedgerEntry): string {
  return e.outcome === 'rejected' && e.reason ? `#${e.seq} (rejected: ${e.reason})` : `#${e.seq} (${e.outcome})`;
}

function check(run: RunRecord): CheckResult {
  const ledger = entriesOf(run?.ledger);
  const history = opsOf(run?.history);
  const expectation = expectationOf(run);
  const expected = expectedCounts(expectation.effects);
  const when = whenRejected(expectation);
  const anomalies: Anomaly[] = [];

  const byEffect = new Map<string, LedgerEntry[]>();
  for (const e of ledger) {
    const id = typeof e.effect === 'string' ? e.effect : String(e.effect);
    const list = byEffect.get(id) ?? [];
    list.push(e);
    byEffect.set(id, list);
  }
  const appliedOf = (id: string) => (byEffect.get(id) ?? []).filter((e) => e.outcome === 'applied');
  const witnessesFor = (entries: LedgerEntry[], id: string) => ({
    ledger: entries.map((e) => e.seq),
    ops: effectOps(history, id, new Set(entries.map((e) => e.attempt))),
  });

  for (const [id, count] of expected) {
    const applied = appliedOf(id);
    if (applied.length > count) {
      anomalies.push({
        kind: 'duplicate',
        message: `${id} was applied ${applied.length} time${applied.length === 1 ? '' : 's'} (expected ${times(count)}${when}): ledger ${listRefs(applied.map((e) => e.seq))}.`,
        witnesses: witnessesFor(applied, id),
      });
    } else if (applied.length < count && !expectation.spent) {
      const requests = (byEffect.get(id) ?? []).filter((e) => e.outcome !== 'applied');
      const ops = effectOps(history, id);
      const how =
        applied.length === 0
          ? `was never applied (expected ${times(count)}${when})`
          : `was applied ${applied.length} of ${count} expected times${when}`;
      const received =
        requests.length > 0
          ? `; the world received ${requests.length} other request${requests.length === 1 ? '' : 's'} for it: ledger ${requests.map(describeRequest).join(', ')}`
          : ops.length > 0
            ? `; its requests never reached the ledger (history ops ${listRefs(ops)})`
            : '; the world never received a request for it';
      anomalies.push({ kind: 'lost', message: `${id} ${how}${received}.`, witnesses: { ledger: requests.map((e) => e.seq), ops } });
    }
  }

  for (const [id] of byEffect) {
    if (expected.has(id)) continue;
    const applied = appliedOf(id);
    if (applied.length === 0) continue;
    anomalies.push({
      kind: 'unexpected',
      message: `${id} was applied ${times(applied.length)} but the scenario does not expect it${when}: ledger ${listRefs(applied.map((e) => e.seq))}.`,
      witnesses: witnessesFor(applied, id),
    });
  }

  return {
    valid: anomalies.length === 0,
    anomalies,
    metrics: {
      applied: ledger.filter((e) => e.outcome === 'applied').length,
      deduplicated: ledger.filter((e) => e.outcome === 'deduplicated').length,
      requests: ledger.length,
    },
  };
}

export const exactlyOnceEffects: Checker = {
  name: 'exactly-once-effects',
  metrics: ['applied', 'deduplicated', 'requests'],
  description: 'Every effect the scenario expects was applied exactly once at the world: no duplicates, no losses.',
  check,
};
