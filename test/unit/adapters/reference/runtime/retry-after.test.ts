// RetryableError{retryAfterMs}: the step's own hint replaces the backoff for that retry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetryableError, type StepRetryEvent } from '../../../../../adapters/reference/runtime/index.js';
import { sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => void (sb = sandbox()));
afterEach(() => sb.cleanup());

describe('reference runtime: retry after a hint', () => {
  it('waits the retryAfterMs a RetryableError names instead of the backoff, then the backoff again', async () => {
    const retries: StepRetryEvent[] = [];
    const rt = sb.open({ seed: 1, hooks: { onStepRetry: (e) => void retries.push(e) } });
    rt.register('wf', async (ctx) =>
      ctx.step(
        'model',
        (info) => {
          if (info.attempt === 1) throw new RetryableError('429: slow down', { retryAfterMs: 300 });
          if (info.attempt === 2) throw new Error('500');
          return 'ok';
        },
        { retry: { maxAttempts: 4, initialMs: 4, maxMs: 8, factor: 2 } },
      ),
    );
    sb.worker(rt);
    rt.start('i1', 'wf', null);
    expect(await rt.wait('i1')).toMatchObject({ status: 'completed', result: 'ok' });
    expect(retries.map((r) => [r.attempt, r.error.name])).toEqual([
      [1, 'RetryableError'],
      [2, 'Error'],
    ]);
    expect(retries[0]!.delayMs).toBe(300);
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(8);
  });

  it('counts hinted retries towards maxAttempts and then fails the step as StepFailedError', async () => {
    const rt = sb.open();
    rt.register('wf', async (ctx) =>
      ctx.step(
        'model',
        () => {
          throw new RetryableError('still 429', { retryAfterMs: 1 });
        },
        { retry: { maxAttempts: 2 } },
      ),
    );
    sb.worker(rt);
    rt.start('i1', 'wf', null);
    const state = await rt.wait('i1');
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ name: 'StepFailedError', message: 'still 429' });
    expect(rt.journal('i1')[0]).toMatchObject({ state: 'failed', attempt: 2 });
  });

  it('ignores a negative or non-finite hint (the backoff applies)', () => {
    expect(new RetryableError('x', { retryAfterMs: -5 }).retryAfterMs).toBeUndefined();
    expect(new RetryableError('x', { retryAfterMs: Number.NaN }).retryAfterMs).toBeUndefined();
    expect(new RetryableError('x').code).toBe('REF-107');
  });
});
