/** Harness cost: cases per minute of `ordeal run` on the reference runtime (world, worker, faults, checkers, folder). */
import { resolveScenario } from '../harness/scenario/index.js';
import { runCase } from '../harness/run/run-case.js';
import { adapterManifest } from '../adapters/index.js';
import { round } from './stats.js';

/** The standard first case a user runs: refund-agent with the worker killed after the effect, then a clean coding-agent. */
const CASES = [
  { scenario: 'refund-agent', schedule: [{ fault: 'kill-worker', at: 'after-effect:1' }] },
  { scenario: 'coding-agent', schedule: [] },
  { scenario: 'refund-agent', schedule: [] },
];

export async function measureHarness(outDir: string, quick: boolean): Promise<{ casesPerMin: number }> {
  const chosen = quick ? CASES.slice(0, 1) : CASES;
  const t0 = performance.now();
  for (const c of chosen) {
    const adapter = await adapterManifest('reference').load();
    await runCase({
      adapter,
      scenario: resolveScenario(c.scenario),
      schedule: c.schedule,
      idempotency: 'framework',
      seed: 1,
      outDir,
      timeoutMs: 60_000,
      options: {},
    });
  }
  return { casesPerMin: round(chosen.length / ((performance.now() - t0) / 60_000)) };
}
