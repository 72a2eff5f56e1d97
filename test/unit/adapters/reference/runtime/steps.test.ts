// Steps: retries with seeded backoff, per-attempt timeouts, TerminalError, replay, non-determinism.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StepTimeoutError, TerminalError, type StepRetryEvent, type StepJournaledEvent } from '../../../../../adapters/reference/runtime/index.js';
import { eventually, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => void (sb = sandbox()));
afterEach(() => sb.cleanup());

describe('reference runtime steps', () => {
  it('retries a failing step with exponential, jittered backoff and journals the success', async () => {
    const retries: StepRetryEvent[] = [];
    const rt = sb.open({ seed: 42, hooks: { onStepRetry: (e) => void retries.push(e) } });
    const attempts: number[] = [];
    rt.register('wf', async (ctx) =>
      ctx.step(
        'flaky',
        (info) => {
          attempts.push(info.attempt);
          if (info.attempt < 4) throw new Error(`boom ${info.attempt}`);
          return 'ok';
        },
        { retry: { maxAttempts: 5, initialMs: 8, maxMs: 20, factor: 2 } },
      ),
    );
    sb.worker(rt);
    rt.start('i1', 'wf', null);
    const state = await rt.wait('i1');
    expect(state).toMatchObject({ status: 'completed', result: 'ok' });
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    const bases = [8, 16, 20];
    retries.forEach((r, i) => {
      expect(r.delayMs).toBeGreaterThanOrEqual(bases[i]! / 2);
      expect(r.delayMs).toBeLessThanOrEqual(bases[i]!);
      expect(r.error.message).toBe(`boom ${i + 1}`);
    });
    expect(rt.journal('i1')[0]).toMatchObject({ state: 'done', attempt: 4, value: 'ok' });
  });

  it('fails the step after maxAttempts and journals the error', async () => {
    const rt = sb.open();
    let calls = 0;
    rt.register('wf', async (ctx) =>
      ctx.step(
        'always',
        () => {
          calls++;
          throw new Error('nope');
        },
        { retry: { maxAttempts: 3, initialMs: 1, maxMs: 2 } },
      ),
    );
    sb.worker(rt);
    rt.start('i1', 'wf', null);
    const state = await rt.wait('i1');
    expect(calls).toBe(3);
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ name: 'StepFailedError', message: 'nope', code: 'REF-106' });
    expect(rt.journal('i1')[0]).toMatchObject({ state: 'failed', attempt: 3 });
  });

  it('times out a hanging attempt, aborts its signal, and counts it as a failed attempt', async () => {
    const rt = sb.open();
    const aborted: boolean[] = [];
    rt.register('wf', async (ctx) => {
      const value = await ctx.step(
        'slow-once',
        async (info) => {
          if (info.attempt === 1) {
            await new Promise((resolve) => info.signal.addEventListener('abort', resolve));
            aborted.push(info.signal.reason instanceof StepTimeoutError);
            return 'too late';
          }
          return `attempt ${info.attempt}`;
        },
        { timeoutMs: 30, retry: { initialMs: 1, maxMs: 2 } },
      );
      try {
        await ctx.step('always-slow', () => new Promise(() => {}), { timeoutMs: 20, retry: { maxAttempts: 2, initialMs: 1 } });
        return { value, second: 'no timeout?' };
      } catch (error) {
        return { value, second: (error as StepTimeoutError).code };
      }
    });
    sb.worker(rt);
    rt.start('i1', 'wf', null);
    const state = await rt.wait('i1');
    expect(state.result).toEqual({ value: 'attempt 2', second: 'REF-103' });
    expect(aborted).toEqual([true]);
    expect(rt.journal('i1')[1]).toMatchObject({ state: 'failed', attempt: 2, error: { name: 'StepTimeoutError' } });
  });

  it('gives an attempt that reads info.signal only after its timeout a signal already aborted', async () => {
    const rt = sb.open();
    const late: boolean[] = [];
    rt.register('wf', async (ctx) =>
      ctx.step(
        'late-reader',
        async (info) => {
          if (info.attempt === 1) {
            await new Promise((resolve) => setTimeout(resolve, 60));
            late.push(info.signal.aborted && info.signal.reason instanceof StepTimeoutError);
          }
          return `attempt ${info.attempt}`;
        },
        { timeoutMs: 20, retry: { initialMs: 1, maxMs: 2 } },
      ),
    );
    sb.worker(rt);
    rt.start('i1', 'wf', null);
    expect(await rt.wait('i1')).toMatchObject({ status: 'completed', result: 'attempt 2' });
    await eventually(() => late.length > 0);
    expect(late).toEqual([true]);
  });

  it('does not retry a TerminalError and replays it from the journal without running the step', async () => {
    const replays: StepJournaledEvent[] = [];
    const rt = sb.open({ hooks: { onReplay: (e) => void replays.push(e) } });
    let calls = 0;
    rt.register('wf', async (ctx) => {
      let caught = '';
      try {
        await ctx.step('refuse', () => {
          calls++;
          throw new TerminalError('card declined');
        });
      } catch (error) {
        caught = `${(error as Error).name}/${(error as TerminalError).code}/${(error as Error).message}/${error instanceof TerminalError}`;
      }
      // The wait suspends the instance; the signal makes it run again from the top (a replay).
      await ctx.waitForSignal('go');
      return caught;
    });
    sb.worker(rt);
    rt.start('i1', 'wf', null);
    await eventually(() => rt.status('i1')?.owner === undefined && rt.journal('i1').length === 1);
    rt.signal('i1', 'go', null);
    const state = await rt.wait('i1');
    expect(state.result).toBe('TerminalError/REF-101/card declined/true');
    expect(calls).toBe(1);
    expect(state.attempts).toBe(2);
    expect(replays.map((r) => [r.seq, r.outcome])).toEqual([[0, 'error']]);
  });

  it('returns journaled values on replay and sets ctx.replaying only while replaying', async () => {
    const rt = sb.open();
    const seen: Array<[string, boolean]> = [];
    let calls = 0;
    rt.register('wf', async (ctx) => {
      seen.push(['a', ctx.replaying]);
      const a = await ctx.step('a', () => ({ n: ++calls, when: new Date(0) }));
      seen.push(['wait', ctx.replaying]);
      await ctx.waitForSignal('go');
      seen.push(['end', ctx.replaying]);
      return a;
    });
    sb.worker(rt);
    rt.start('i1', 'wf', null);
    await eventually(() => rt.status('i1')?.owner === undefined && rt.journal('i1').length === 1);
    rt.signal('i1', 'go', 1);
    const state = await rt.wait('i1');
    expect(calls).toBe(1);
    expect(state.result).toEqual({ n: 1, when: new Date(0).toJSON() });
    // The wait has no journal row until a signal is consumed, so the replay ends right before it.
    expect(seen).toEqual([
      ['a', false],
      ['wait', false],
      ['a', true],
      ['wait', false],
      ['end', false],
    ]);
  });

  it('fails the instance with NonDeterminismError when the code asks for another step at a journaled seq', async () => {
    const v1 = sb.open({ workerId: 'v1' });
    v1.register('wf', async (ctx) => {
      await ctx.step('charge', () => 1);
      return ctx.waitForSignal('go');
    });
    const w1 = v1.runWorker({ pollMs: 10 });
    v1.start('i1', 'wf', null);
    await eventually(() => v1.status('i1')?.owner === undefined && v1.journal('i1').length === 1);
    await w1.stop();

    const v2 = sb.open({ workerId: 'v2' });
    let ran = false;
    v2.register('wf', async (ctx) => {
      await ctx.step('refund', () => (ran = true));
      return ctx.waitForSignal('go');
    });
    sb.worker(v2);
    v2.signal('i1', 'go', null);
    const state = await v2.wait('i1');
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ name: 'NonDeterminismError', code: 'REF-102' });
    expect(state.error?.message).toContain("'charge'");
    expect(ran).toBe(false);
  });
});
