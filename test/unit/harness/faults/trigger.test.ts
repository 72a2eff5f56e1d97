import { describe, expect, it } from 'vitest';
import { formatTrigger, isWorldTrigger, parseTrigger, readTrigger, triggerKind, TRIGGER_HELP } from '../../../../harness/faults/index.js';
import { OrdealError } from '../../../../harness/errors.js';

describe('trigger grammar', () => {
  it('parses and formats every kind back to the same text', () => {
    for (const s of ['after-effect:2', 'before-effect:1', 'llm-call:3', 'step:4', 'shell:1', 'approval:waiting', 't+500ms'])
      expect(formatTrigger(parseTrigger(s))).toBe(s);
    expect(parseTrigger('t+2s')).toEqual({ kind: 'time', ms: 2000 });
  });

  it('tells world triggers from times, and names the kind of a text', () => {
    expect(isWorldTrigger(parseTrigger('step:4'))).toBe(true);
    expect(isWorldTrigger(parseTrigger('t+500ms'))).toBe(false);
    expect(['before-effect:1', 'approval:waiting', 't+1ms', 'nope'].map(triggerKind)).toEqual(['before-effect', 'approval', 'time', undefined]);
  });

  it('refuses anything else with exit 2, naming where, the text and the grammar', () => {
    for (const s of ['step:0', 'step:x', 'approval:done', 't+5m', 'after-effect']) {
      expect(readTrigger(s)).toBeUndefined();
      try {
        parseTrigger(s, 'schedule[0]: trigger');
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(OrdealError);
        expect((e as OrdealError).exitCode).toBe(2);
        expect((e as Error).message).toBe(
          `schedule[0]: trigger '${s}' is not a trigger: expected before-effect:N, after-effect:N, llm-call:N, step:N, shell:N (N ≥ 1), approval:waiting, or t+Nms`,
        );
      }
    }
  });

  it('documents every form it parses', () => {
    expect(Object.keys(TRIGGER_HELP).map((k) => k.replace('N', '1'))).toEqual([
      'before-effect:1',
      'after-effect:1',
      'llm-call:1',
      'step:1',
      'shell:1',
      'approval:waiting',
      't+1ms',
    ]);
    for (const k of Object.keys(TRIGGER_HELP)) expect(readTrigger(k.replace('N', '1'))).toBeDefined();
  });
});
