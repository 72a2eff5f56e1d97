import { describe, expect, it } from 'vitest';
import { FaultController } from '../../../../harness/world/fault-controller.js';
import type { FromWorld } from '../../../../harness/world/index.js';

describe('world: fault controller', () => {
  it('fires each armed fault once, in arming order, and returns the first ending action', async () => {
    const sent: FromWorld[] = [];
    const fc = new FaultController((m) => sent.push(m));
    fc.arm([
      { index: 0, trigger: { kind: 'after-effect', n: 1 } },
      { index: 1, trigger: { kind: 'after-effect', n: 1 } },
    ]);
    expect(await fc.checkpoint('after-effect', 2, null, {})).toEqual({ type: 'continue' });
    expect(sent).toEqual([]);
    const held = fc.checkpoint('after-effect', 1, 7, { x: 1 });
    await Promise.resolve();
    const first = sent[0] as Extract<FromWorld, { kind: 'trigger' }>;
    expect(first).toMatchObject({ kind: 'trigger', faultIndex: 0, pid: 7, detail: { trigger: 'after-effect:1', x: 1 } });
    fc.release(first.holdId, { type: 'continue' });
    await new Promise((r) => setImmediate(r));
    const second = sent[1] as Extract<FromWorld, { kind: 'trigger' }>;
    expect(second.faultIndex).toBe(1);
    expect(fc.release(first.holdId, { type: 'drop' })).toBe(false);
    fc.release(second.holdId, { type: 'drop' });
    expect(await held).toEqual({ type: 'drop' });
    expect(await fc.checkpoint('after-effect', 1, null, {})).toEqual({ type: 'continue' });
    expect(fc.snapshot().armed.every((a) => a.fired)).toBe(true);
  });

  it('drops held requests on close', async () => {
    const fc = new FaultController(() => undefined);
    fc.arm([{ index: 0, trigger: { kind: 'llm-call', n: 1 } }]);
    const held = fc.checkpoint('llm-call', 1, null, {});
    fc.close();
    expect(await held).toEqual({ type: 'drop' });
  });

  it('a fault with times fires again on later requests of the same call only, until it fired that often', async () => {
    const sent: FromWorld[] = [];
    const fc = new FaultController((m) => sent.push(m));
    fc.arm([{ index: 0, trigger: { kind: 'before-effect', n: 2 }, times: 3 }]);
    const pass = async (n: number, effect: string) => {
      const before = sent.length;
      const action = fc.checkpoint('before-effect', n, null, { effect }, effect);
      await Promise.resolve();
      const trigger = sent[before] as Extract<FromWorld, { kind: 'trigger' }> | undefined;
      if (trigger) fc.release(trigger.holdId, { type: 'drop' });
      expect(trigger?.detail.heldCall).toBe(trigger ? effect : undefined);
      return { action: await action, firing: trigger?.detail.firing };
    };
    // the first request is another call: the trigger counts requests, so it does not match
    expect(await pass(1, 'refund:a')).toEqual({ action: { type: 'continue' }, firing: undefined });
    expect(await pass(2, 'email:b')).toEqual({ action: { type: 'drop' }, firing: 1 });
    // later requests of another call pass; the held call's are held again, whatever their number
    expect(await pass(3, 'refund:a')).toEqual({ action: { type: 'continue' }, firing: undefined });
    expect(await pass(4, 'email:b')).toEqual({ action: { type: 'drop' }, firing: 2 });
    expect(await pass(5, 'email:b')).toEqual({ action: { type: 'drop' }, firing: 3 });
    // fired three times: the call goes through
    expect(await pass(6, 'email:b')).toEqual({ action: { type: 'continue' }, firing: undefined });
    expect(fc.snapshot().armed).toEqual([{ index: 0, trigger: 'before-effect:2', fired: true, firings: 3 }]);
  });
});
