import { InputError } from '../errors.js';
import type { WorldTrigger } from '../world/protocol.js';

/** A trigger: a point the world watches for, or a time after the case started. */
export type Trigger = WorldTrigger | { kind: 'time'; ms: number };

export const TRIGGER_GRAMMAR =
  'before-effect:N, after-effect:N, llm-call:N, step:N, shell:N (N ≥ 1), approval:waiting, or t+Nms';

export const TRIGGER_HELP: Record<string, string> = {
  'before-effect:N': 'the N-th effect request reaches the world, before it is applied',
  'after-effect:N': 'the N-th effect request was applied, before its response leaves',
  'llm-call:N': 'the N-th model call reaches the world, before it is answered',
  'step:N': 'the worker reports its N-th journaled step',
  'shell:N': 'the N-th shell command is about to run',
  'approval:waiting': 'the agent has asked for approval and waits',
  't+Nms': 'N milliseconds after the case started',
};

export function parseTrigger(text: string, where = 'trigger'): Trigger {
  const m = /^(before-effect|after-effect|llm-call|step|shell):([1-9][0-9]*)$/.exec(text);
  if (m) return { kind: m[1] as 'step', n: Number(m[2]) };
  if (text === 'approval:waiting') return { kind: 'approval', state: 'waiting' };
  const t = /^t\+([0-9]+)(ms|s)$/.exec(text);
  if (t) return { kind: 'time', ms: Number(t[1]) * (t[2] === 's' ? 1000 : 1) };
  throw new InputError(`${where} '${text}' is not a trigger: expected ${TRIGGER_GRAMMAR}`, 'ORD-204');
}

export function formatTrigger(t: Trigger): string {
  if (t.kind === 'time') return `t+${t.ms}ms`;
  if (t.kind === 'approval') return 'approval:waiting';
  return `${t.kind}:${t.n}`;
}
