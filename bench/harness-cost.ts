/** Harness cost: cases per minute of `ordeal run` on the reference runtime (world, worker, faults, checkers, folder), and where a case's time goes. */
import { resolveScenario } from '../harness/scenario/index.js';
import { standardSchedules } from '../harness/faults/index.js';
import { runCase } from '../harness/run/run-case.js';
import { runPool } from '../harness/run/pool.js';
import type { CasePhases } from '../harness/run/phases.js';
import { adapterManifest } from '../adapters/index.js';
import { median, round } from './stats.js';

export interface HarnessCost {
  casesPerMin: number;
  /** Cases run at the same time (`--jobs`). */
  jobs: number;
  cases: number;
  /** The median of each phase over the cases, in ms (CasePhases). */
  phasesMs: CasePhases;
}

/** The cases a user's first `ordeal run` starts with: refund-agent and coding-agent, each under the standard kill points. */
function harnessCases(quick: boolean) {
  const scenarios = ['refund-agent', 'coding-agent'].map((s) => resolveScenario(s));
  const all = scenarios.flatMap((scenario) => standardSchedules(scenario, false).map((schedule) => ({ scenario, schedule })));
  return quick ? all.slice(0, 2) : all;
}

/** Runs the cases `jobs` at a time as `ordeal run` does by default (probes on, spans exported to the world). */
export async function measureHarness(outDir: string, quick: boolean, jobs = 1): Promise<HarnessCost> {
  const chosen = harnessCases(quick);
  const saved = { spans: process.env.ORDEAL_SPAN_EXPORT, probes: process.env.ORDEAL_PROBES };
  delete process.env.ORDEAL_SPAN_EXPORT; // the adapter bench turned them off; a user's run has them
  delete process.env.ORDEAL_PROBES;
  try {
    const t0 = performance.now();
    const phases = await runPool(chosen, jobs, async (c) => {
      const adapter = await adapterManifest('reference').load();
      const r = await runCase({ adapter, ...c, idempotency: 'framework', seed: 1, outDir, timeoutMs: 60_000, options: {} });
      return r.phases;
    });
    const elapsed = performance.now() - t0;
    const keys = Object.keys(phases[0]!) as (keyof CasePhases)[];
    const phasesMs = Object.fromEntries(keys.map((k) => [k, round(median(phases.map((p) => p[k])))])) as unknown as CasePhases;
    return { casesPerMin: round(chosen.length / (elapsed / 60_000)), jobs, cases: chosen.length, phasesMs };
  } finally {
    for (const [k, v] of [
      ['ORDEAL_SPAN_EXPORT', saved.spans],
      ['ORDEAL_PROBES', saved.probes],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}
