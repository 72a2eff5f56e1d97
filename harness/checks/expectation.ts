/** Which of the scenario's expectations applies: `expect`, or `expect.onReject` when the history shows the human rejected. */
import type { RunRecord } from '../store/types.js';
import { indexOf, isRecord, opsOf, valueOf } from './util.js';
import { spentCall, type SpentCall } from './crash-loops.js';

export interface Expectation {
  /** `expect.effects` or `expect.onReject.effects`, unchecked (the run folder may be damaged). */
  effects: unknown;
  answer: unknown;
  /** The op of the first rejecting decision when `expect.onReject` applies. */
  rejectedAt?: number;
  /**
   * A call's attempts were spent (every attempt the retry policy allows was lost before the world applied it, e.g. a
   * crash loop killed its worker on each): the run is expected to fail, and an effect it had not applied is not owed
   * (none may be applied twice all the same).
   */
  spent?: SpentCall;
}

/** The first approval `decided` op with `approved: false`, if any: decisions cannot change once made. */
export function rejectionOp(run: RunRecord): number | undefined {
  const history = opsOf(run?.history);
  for (let position = 0; position < history.length; position++) {
    const op = history[position]!;
    const v = valueOf(op);
    if (op.f === 'approval' && v.event === 'decided' && v.approved === false) return indexOf(op, position);
  }
  return undefined;
}

/** The expectation the human's actual decision selects; without `expect.onReject`, always `expect`. */
export function expectationOf(run: RunRecord): Expectation {
  const expect: unknown = run?.scenario?.expect;
  const e = isRecord(expect) ? expect : {};
  const rejectedAt = isRecord(e.onReject) ? rejectionOp(run) : undefined;
  const spent = spentCall(run);
  const more = spent ? { spent } : {};
  if (rejectedAt !== undefined && isRecord(e.onReject)) return { effects: e.onReject.effects, answer: e.onReject.answer, rejectedAt, ...more };
  return { effects: e.effects, answer: e.answer, ...more };
}

/** Ids of the effects listed in an expectation's effects. */
export function expectedIds(effects: unknown): Set<string> {
  return new Set(
    Array.isArray(effects)
      ? effects
          .filter(isRecord)
          .map((e) => e.id)
          .filter((id): id is string => typeof id === 'string')
      : [],
  );
}

/** Words added to a message when the rejection's expectation was used. */
export function whenRejected(x: Expectation): string {
  return x.rejectedAt === undefined ? '' : ` when the human rejects (op #${x.rejectedAt})`;
}
