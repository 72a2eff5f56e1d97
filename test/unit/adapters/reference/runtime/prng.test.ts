// Retry jitter comes from a seeded PRNG: same seed, same delays; another seed, other delays.
import { describe, expect, it, afterEach } from 'vitest';
import { backoffDelay, createPrng, jitterFor, type StepRetryEvent } from '../../../../../adapters/reference/runtime/index.js';
import { sandbox, type Sandbox } from './helpers.js';

const boxes: Sandbox[] = [];
afterEach(async () => {
  for (const sb of boxes.splice(0)) await sb.cleanup();
});

async function retryDelays(seed: number): Promise<number[]> {
  const sb = sandbox();
  boxes.push(sb);
  const delays: number[] = [];
  const rt = sb.open({ seed, hooks: { onStepRetry: (e: StepRetryEvent) => void delays.push(e.delayMs) } });
  rt.register('wf', async (ctx) =>
    ctx.step(
      'flaky',
      (info) => {
        if (info.attempt < 6) throw new Error('again');
        return info.attempt;
      },
      { retry: { maxAttempts: 6, initialMs: 4, maxMs: 40, factor: 2 } },
    ),
  );
  sb.worker(rt);
  rt.start('same-id', 'wf', null);
  await rt.wait('same-id');
  return delays;
}

describe('reference runtime jitter', () => {
  it('draws the same jitter sequence from the same seed and another from another seed', async () => {
    const a = await retryDelays(7);
    const b = await retryDelays(7);
    const c = await retryDelays(8);
    expect(a).toHaveLength(5);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('keeps the PRNG and the backoff formula deterministic and in bounds', () => {
    const seq = (seed: number) => Array.from({ length: 5 }, createPrng(seed));
    expect(seq(1)).toEqual(seq(1));
    expect(seq(1)).not.toEqual(seq(2));
    expect(jitterFor(3, 'i:0', 1)).toBe(jitterFor(3, 'i:0', 1));
    const policy = { maxAttempts: 9, initialMs: 100, maxMs: 1000, factor: 3 };
    expect(backoffDelay(policy, 1, 0)).toBe(50);
    expect(backoffDelay(policy, 2, 1)).toBe(300);
    expect(backoffDelay(policy, 5, 0.999999)).toBe(1000);
  });
});
