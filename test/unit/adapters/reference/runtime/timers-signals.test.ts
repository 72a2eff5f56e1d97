// Durable timers (across a SIGKILL and across a suspension) and durable signals (before/after the wait, timeout).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignalTimeoutError } from '../../../../../adapters/reference/runtime/index.js';
import { registerWorkflows, sideLines } from './fixtures/workflows.mjs';
import { spawnWorker } from './fixtures/spawn-worker.js';
import { eventually, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => void (sb = sandbox()));
afterEach(() => sb.cleanup());

/** The journal's entries as [seq, kind, name, state]: what ran, in order. */
const steps = (rt: ReturnType<Sandbox['open']>, id: string) => rt.journal(id).map((e) => [e.seq, e.kind, e.name, e.state]);
const SLEEPER = [
  [0, 'step', 'before', 'done'],
  [1, 'sleep', 'sleep', 'done'],
  [2, 'step', 'after', 'done'],
];

// How late a timer wakes after its journaled wake-up time is measured in bench/runtime-waits.ts, not asserted here.
describe('reference runtime timers', () => {
  it('keeps the journaled wake-up time across a SIGKILL of the sleeping worker', async () => {
    const side = join(sb.dir, 'side.log');
    const first = spawnWorker({ db: sb.db, side, holdAfterSeq: 1, start: [{ id: 's1', workflow: 'sleeper', input: { sleepMs: 1500 } }] });
    await first.lines(/^JOURNALED s1 1$/);
    await first.kill();
    const peek = sb.open();
    const wakeAt = peek.journal('s1')[1]?.wakeAt;
    expect(wakeAt).toBeTypeOf('number');

    const second = spawnWorker({ db: sb.db, side, waitFor: ['s1'] });
    await second.lines(/^DONE$/);
    const text = readFileSync(side, 'utf8');
    expect(sideLines(text, 's1', 'before')).toHaveLength(1);
    expect(sideLines(text, 's1', 'after')).toHaveLength(1);
    // the second worker went on from the journaled timer: 'before' ran once, 'after' once, after the sleep entry;
    // a timer restarted from scratch would have journaled a new wake-up time
    expect(steps(peek, 's1')).toEqual(SLEEPER);
    expect(peek.journal('s1')[1]?.wakeAt).toBe(wakeAt);
    expect(peek.status('s1')?.result).toBe('slept');
  }, 30_000);

  it('suspends a long sleep, gives the lease back, and resumes from its journaled wake-up time', async () => {
    const side = join(sb.dir, 'side.log');
    const rt = sb.open({ leaseMs: 150 });
    registerWorkflows(rt, { side });
    sb.worker(rt);
    rt.start('s1', 'sleeper', { sleepMs: 600 });
    await eventually(() => rt.journal('s1').length === 2 && rt.status('s1')?.owner === undefined);
    expect(rt.status('s1')?.status).toBe('running');
    const wakeAt = rt.journal('s1')[1]!.wakeAt!;
    const state = await rt.wait('s1');
    expect(state.status).toBe('completed');
    expect(state.attempts).toBe(2);
    // resumed from the journal: the same wake-up time, 'after' run once, after the sleep entry
    expect(steps(rt, 's1')).toEqual(SLEEPER);
    expect(rt.journal('s1')[1]!.wakeAt).toBe(wakeAt);
    expect(sideLines(readFileSync(side, 'utf8'), 's1', 'after')).toHaveLength(1);
  });
});

describe('reference runtime signals', () => {
  const approval = (rt: ReturnType<Sandbox['open']>, log: string[]) =>
    rt.register('approval', async (ctx) => {
      await ctx.step('prepare', () => void log.push('prepare'));
      const decision = await ctx.waitForSignal<{ ok: boolean }>('approve');
      await ctx.step('act', () => void log.push(`act ${decision.ok}`));
      return decision;
    });

  it('delivers a signal sent before the instance even started, with no worker running', async () => {
    const harness = sb.open();
    harness.signal('a1', 'approve', { ok: true });
    harness.start('a1', 'approval', null);
    const log: string[] = [];
    const rt = sb.open();
    approval(rt, log);
    sb.worker(rt);
    expect((await rt.wait('a1')).result).toEqual({ ok: true });
    expect(log).toEqual(['prepare', 'act true']);
    expect(rt.journal('a1')[1]).toMatchObject({ kind: 'signal', name: 'approve', state: 'done', value: { ok: true } });
  });

  it('delivers a signal sent by another connection after the workflow started waiting', async () => {
    const log: string[] = [];
    const rt = sb.open();
    approval(rt, log);
    sb.worker(rt);
    rt.start('a1', 'approval', null);
    await eventually(() => rt.journal('a1').length === 1 && rt.status('a1')?.owner === undefined);
    expect(rt.status('a1')?.status).toBe('running');
    const harness = sb.open();
    harness.signal('a1', 'approve', { ok: false });
    harness.signal('a1', 'approve', { ok: true }); // a second signal stays for a later wait
    expect((await rt.wait('a1')).result).toEqual({ ok: false });
    expect(log).toEqual(['prepare', 'act false']);
  });

  it('times out a wait at its journaled deadline with SignalTimeoutError', async () => {
    const rt = sb.open();
    rt.register('w', async (ctx) => {
      try {
        await ctx.waitForSignal('never', { timeoutMs: 100 });
        return 'signalled?';
      } catch (error) {
        return `${(error as SignalTimeoutError).code} ${error instanceof SignalTimeoutError}`;
      }
    });
    sb.worker(rt);
    rt.start('t1', 'w', null);
    expect((await rt.wait('t1')).result).toBe('REF-104 true');
    expect(rt.journal('t1')[0]).toMatchObject({ kind: 'signal', state: 'failed', error: { code: 'REF-104' } });
  });
});
