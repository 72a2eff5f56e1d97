/** The trigger grammar, in one place: the kinds, parsing `after-effect:2` and friends, and formatting them back. */
import { InputError } from '../errors.js';

/** Kinds the world counts (`KIND:N`, N ≥ 1), in the order `ordeal check` tries them. */
export const COUNTED_KINDS = ['before-effect', 'after-effect', 'llm-call', 'step', 'shell'] as const;
export type CountedKind = (typeof COUNTED_KINDS)[number];

/** A trigger the world watches for. */
export type WorldTrigger = { kind: CountedKind; n: number } | { kind: 'approval'; state: 'waiting' };

/** A trigger: a point the world watches for, or a time after the case started. */
export type Trigger = WorldTrigger | { kind: 'time'; ms: number };

export type TriggerKind = Trigger['kind'];

export const TRIGGER_GRAMMAR = 'before-effect:N, after-effect:N, llm-call:N, step:N, shell:N (N ≥ 1), approval:waiting, or t+Nms';

export const TRIGGER_HELP: Record<string, string> = {
  'before-effect:N': 'the N-th effect request reaches the world, before it is applied',
  'after-effect:N': 'the N-th effect request was applied, before its response leaves',
  'llm-call:N': 'the N-th model call reaches the world, before it is answered',
  'step:N': 'the worker reports its N-th journaled step',
  'shell:N': 'the N-th shell command is about to run',
  'approval:waiting': 'the agent has asked for approval and waits',
  't+Nms': 'N milliseconds after the case started',
};

/** The largest N of a trigger, and of `t+Nms`: the longest a timer can wait (a larger delay would fire at once). */
export const MAX_TRIGGER_N = 2 ** 31 - 1;

const COUNTED = new RegExp(`^(${COUNTED_KINDS.join('|')}):([1-9][0-9]*)$`);

/** The trigger `text` names, or undefined when it is not one. */
export function readTrigger(text: string): Trigger | undefined {
  const m = COUNTED.exec(text);
  if (m) return Number(m[2]) <= MAX_TRIGGER_N ? { kind: m[1] as CountedKind, n: Number(m[2]) } : undefined;
  if (text === 'approval:waiting') return { kind: 'approval', state: 'waiting' };
  const t = /^t\+([0-9]+)(ms|s)$/.exec(text);
  const ms = t ? Number(t[1]) * (t[2] === 's' ? 1000 : 1) : Number.NaN;
  if (t && ms <= MAX_TRIGGER_N) return { kind: 'time', ms };
  return undefined;
}

/** Parses a trigger; anything else is an InputError naming `where` and the grammar. */
export function parseTrigger(text: string, where = 'trigger'): Trigger {
  const t = readTrigger(text);
  if (!t && (COUNTED.test(text) || /^t\+[0-9]+(ms|s)$/.test(text)))
    throw new InputError(`${where} '${text}': N is too large; expected N ≤ ${MAX_TRIGGER_N} (for t+N: milliseconds a timer can wait)`, 'ORD-204');
  if (!t) throw new InputError(`${where} '${text}' is not a trigger: expected ${TRIGGER_GRAMMAR}`, 'ORD-204');
  return t;
}

export function formatTrigger(t: Trigger): string {
  if (t.kind === 'time') return `t+${t.ms}ms`;
  if (t.kind === 'approval') return `approval:${t.state}`;
  return `${t.kind}:${t.n}`;
}

/** The kind of a trigger text (undefined when it is not one). */
export const triggerKind = (text: string): TriggerKind | undefined => readTrigger(text)?.kind;

export function isWorldTrigger(t: Trigger): t is WorldTrigger {
  return t.kind !== 'time';
}
