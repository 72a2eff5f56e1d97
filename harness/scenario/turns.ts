/** Walking cassette turns that may branch on an earlier tool result. */
import { canonicalJson, isRecord } from '../json.js';
import type { PlainTurn, ToolCallSpec, Turn } from './types.js';

export function isBranch(t: Turn): t is Extract<Turn, { when: unknown }> {
  return 'when' in t;
}

/** Every plain turn a (possibly branching) turn can become. */
export function leafTurns(t: Turn): PlainTurn[] {
  return isBranch(t) ? [...leafTurns(t.then), ...leafTurns(t.else)] : [t];
}

/** Every tool call any branch of the turn can ask for. */
export function turnCalls(t: Turn): ToolCallSpec[] {
  return leafTurns(t).flatMap((l) => ('calls' in l ? l.calls : []));
}

/** Every tool call any branch of the cassette can ask for, in cassette order. */
export function cassetteCalls(cassette: readonly Turn[]): ToolCallSpec[] {
  return cassette.flatMap(turnCalls);
}

/** The most calls one path through the turn asks for (what a run may do at this turn). */
export function maxCalls(t: Turn, keep: (c: ToolCallSpec) => boolean = () => true): number {
  return Math.max(...leafTurns(t).map((l) => ('calls' in l ? l.calls.filter(keep).length : 0)));
}

/** The field `path` of `[N, ...path]` in the tool results, or `undefined` when it is not there. */
export function resultField(results: readonly unknown[], ref: string): { found: boolean; value?: unknown } {
  const [n, ...path] = ref.split('.');
  const i = Number(n);
  if (!Number.isInteger(i) || i < 0 || i >= results.length) return { found: false };
  let cur: unknown = results[i];
  for (const seg of path) {
    if (Array.isArray(cur) && /^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else if (isRecord(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return { found: false };
  }
  return { found: true, value: cur };
}

/** The plain turn the conversation's tool results select; a missing field takes `else`. */
export function selectTurn(t: Turn, results: readonly unknown[]): PlainTurn {
  while (isBranch(t)) {
    const got = resultField(results, t.when.result);
    t = got.found && canonicalJson(got.value) === canonicalJson(t.when.equals) ? t.then : t.else;
  }
  return t;
}
