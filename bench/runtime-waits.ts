/** How late the reference runtime ends its waits, in-process: a durable timer after its journaled wake-up time, a retry after its hint. */
import { textOf } from '../harness/json.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openRuntime, RetryableError } from '../adapters/reference/runtime/index.js';
import { quantiles, type Quantiles } from './stats.js';

export interface RuntimeWaitsResult {
  /** The wait each run used (ms): `ctx.sleep(waitMs)`, and a RetryableError with `retryAfterMs: waitMs`. */
  waitMs: number;
  /** When the step after `ctx.sleep` ran, minus the sleep's journaled wake-up time (epoch ms, so whole ms). */
  timerLateMs: Quantiles;
  /** When the retried attempt started, minus the onStepRetry hook's time plus the hinted delay. */
  retryAfterLateMs: Quantiles;
}

/** `reps` sleeps and `reps` hinted retries of `waitMs`, one instance at a time. */
export async function measureRuntimeWaits(dir: string, reps: number, waitMs = 50): Promise<RuntimeWaitsResult> {
  const tmp = mkdtempSync(join(dir, 'runtime-waits-'));
  const retryDue = new Map<string, number>();
  const rt = openRuntime({
    path: join(tmp, 'journal.db'),
    workerId: 'bench-waits',
    hooks: { onStepRetry: (e) => void retryDue.set(e.instanceId, performance.now() + e.delayMs) },
  });
  rt.register('sleeper', async (ctx) => {
    await ctx.sleep(waitMs);
    return ctx.step('woke', () => Date.now());
  });
  rt.register('hinted', async (ctx) =>
    ctx.step(
      'call',
      (info) => {
        if (info.attempt === 1) throw new RetryableError('429', { retryAfterMs: waitMs });
        return performance.now() - (retryDue.get(ctx.instanceId) as number);
      },
      { retry: { maxAttempts: 2 } },
    ),
  );
  const worker = rt.runWorker({ pollMs: 5, concurrency: 1 });
  const result = async (id: string, workflow: string): Promise<number> => {
    rt.start(id, workflow, null);
    const s = await rt.wait(id, { pollMs: 1, timeoutMs: 60_000 });
    if (s.status !== 'completed') throw new Error(`bench instance ${id} ended ${s.status}: ${textOf(s.error)}`);
    return s.result as number;
  };
  try {
    const timer: number[] = [];
    const retry: number[] = [];
    for (let r = 0; r < reps; r++) {
      const woke = await result(`sleep-${r}`, 'sleeper');
      timer.push(woke - (rt.journal(`sleep-${r}`)[0]!.wakeAt as number));
      retry.push(await result(`retry-${r}`, 'hinted'));
    }
    return { waitMs, timerLateMs: quantiles(timer), retryAfterLateMs: quantiles(retry) };
  } finally {
    await worker.stop();
    rt.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
