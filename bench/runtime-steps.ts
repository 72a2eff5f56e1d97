/** The reference runtime's own per-step durable overhead: N no-op steps in-process, no HTTP, no probes. */
import { textOf } from '../harness/json.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openRuntime } from '../adapters/reference/runtime/index.js';
import { quantiles, type Quantiles } from './stats.js';

export interface RuntimeStepsResult {
  /** (T(N) − T(0)) / N per repetition, at the largest N. */
  perStepMs: Quantiles;
  /** The same, by N. */
  byN: Record<string, Quantiles>;
}

/** T(N): from just before the workflow's first step to just after its last, measured inside the workflow. */
export async function measureRuntimeSteps(
  dir: string,
  steps: number[],
  reps: number,
  synchronous: 'FULL' | 'NORMAL' = 'FULL',
): Promise<RuntimeStepsResult> {
  const tmp = mkdtempSync(join(dir, 'runtime-'));
  const rt = openRuntime({ path: join(tmp, 'journal.db'), synchronous, workerId: 'bench' });
  const spans = new Map<string, number>();
  rt.register('noop', async (ctx, input) => {
    const n = (input as { n: number }).n;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await ctx.step('noop', () => null);
    spans.set(ctx.instanceId, performance.now() - t0);
    return n;
  });
  const worker = rt.runWorker({ pollMs: 5, concurrency: 1 });
  const time = async (id: string, n: number): Promise<number> => {
    rt.start(id, 'noop', { n });
    const s = await rt.wait(id, { pollMs: 1, timeoutMs: 120_000 });
    if (s.status !== 'completed') throw new Error(`bench instance ${id} ended ${s.status}: ${textOf(s.error)}`);
    return spans.get(id) as number;
  };
  try {
    for (let w = 0; w < 3; w++) await time(`warm-${w}`, 20);
    const byN: Record<string, Quantiles> = {};
    let last: number[] = [];
    for (const n of steps.filter((x) => x > 0)) {
      const per: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t0 = await time(`n0-${n}-${r}`, 0);
        const tn = await time(`n${n}-${r}`, n);
        per.push((tn - t0) / n);
      }
      byN[String(n)] = quantiles(per);
      last = per;
    }
    return { perStepMs: quantiles(last), byN };
  } finally {
    await worker.stop();
    rt.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
