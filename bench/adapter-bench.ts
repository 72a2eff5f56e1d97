/** One adapter through the whole stack: per-step overhead, throughput, recovery time and the worker's peak RSS. */
import { findAdapter } from '../adapters/index.js';
import type { Adapter } from '../harness/run/adapter.js';
import { EngineMissingError } from '../harness/engines/index.js';
import { ensureError } from '../harness/errors.js';
import { benchCase, recoveryMs, type CaseTiming } from './case-timing.js';
import { noopScenario } from './noop-scenario.js';
import { RssSampler } from './rss-sampler.js';
import type { RuntimeWaitsResult } from './runtime-waits.js';
import { median, quantiles, round, type Quantiles } from './stats.js';

export interface AdapterFigures {
  /** The marginal cost of one no-op step: (T(N) − T(1)) / (N − 1) at the largest N. */
  perStepMs: Quantiles;
  ratioToFloor: number;
  throughput: { workflowsPerS: number; stepsPerS: number };
  recoveryMs: { p50: number };
  peakRssMb: number;
  /** Per-step p50/p99 by N ≥ 2 (the headline is the largest N). */
  byN?: Record<string, Quantiles>;
  /** T(1) − T(0): what a model turn with one call adds to a case (a model round trip and one step). */
  oneCallTurnMs?: Quantiles;
  /** reference only: the runtime's own overhead, in-process, without HTTP, and how late its timers and hinted retries end. */
  inProcess?: { perStepMs: Quantiles; ratioToFloor: number; waits: RuntimeWaitsResult };
}
export type AdapterResult = AdapterFigures | { missing: string };

export interface AdapterBenchOptions {
  steps: number[];
  reps: number;
  concurrency: number;
  outDir: string;
  fdatasyncP50: number;
  log: (line: string) => void;
}

export async function benchAdapter(name: string, o: AdapterBenchOptions): Promise<AdapterResult> {
  const entry = findAdapter(name);
  if (!entry) return { missing: `no adapter '${name}' is registered in adapters/index.ts` };
  try {
    await entry.load();
  } catch (e) {
    return { missing: `the adapter did not load: ${ensureError(e).message}` };
  }
  const rss = new RssSampler().start();
  const pids: number[] = [];
  const run = async (n: number, probes = false, schedule?: Parameters<typeof benchCase>[0]['schedule']): Promise<CaseTiming> => {
    // a fresh adapter object per case: adapters keep per-case clients (runCase closes them), and cases run concurrently
    const adapter: Adapter = await entry.load();
    const t = await benchCase({ adapter, scenario: noopScenario(n), outDir: o.outDir, probes, ...(schedule ? { schedule } : {}) });
    pids.push(...t.workerPids);
    return t;
  };
  try {
    // Baselines: T(0) is one model call and the answer; T(1) adds a turn with one tool call. Every case with tool calls
    // pays T(1)'s extras once (the second model round trip, a fresh worker's first response), so a step's cost is the
    // marginal one, (T(N) − T(1)) / (N − 1), and the turn itself is reported as T(1) − T(0).
    o.log(`${name}: baselines (0 and 1 steps) × ${o.reps}`);
    const base0: number[] = [];
    const base1: number[] = [];
    for (let r = 0; r < o.reps; r++) {
      base0.push((await run(0)).agentMs);
      base1.push((await run(1)).agentMs);
    }
    const t0 = median(base0);
    const t1 = median(base1);
    const byN: Record<string, Quantiles> = {};
    let headline: number[] = [];
    for (const n of o.steps.filter((x) => x >= 2)) {
      o.log(`${name}: ${n} steps × ${o.reps}`);
      const per: number[] = [];
      for (let r = 0; r < o.reps; r++) per.push(((await run(n)).agentMs - t1) / (n - 1));
      byN[String(n)] = quantiles(per);
      headline = per;
    }
    const perStepMs = quantiles(headline);

    const tn = Math.min(10, Math.max(...o.steps));
    o.log(`${name}: throughput, ${o.concurrency} concurrent runs of ${tn} steps`);
    const together = await Promise.all(Array.from({ length: o.concurrency }, () => run(tn)));
    const windowS = (Math.max(...together.map((t) => t.lastLlm)) - Math.min(...together.map((t) => t.firstLlm))) / 1000;

    o.log(`${name}: recovery (SIGKILL at step:3)`);
    const rec: number[] = [];
    for (let r = 0; r < Math.max(1, Math.ceil(o.reps / 2)); r++) {
      const t = await run(10, true, [{ fault: 'kill-worker', at: 'step:3' }]);
      const ms = recoveryMs(t.ops);
      if (ms === undefined) throw new Error(`no recovery seen after the kill; see ${t.runDir}`);
      rec.push(ms);
    }
    rss.stop();
    return {
      perStepMs,
      ratioToFloor: round(perStepMs.p50 / o.fdatasyncP50),
      throughput: { workflowsPerS: round(o.concurrency / windowS), stepsPerS: round((o.concurrency * tn) / windowS) },
      recoveryMs: { p50: round(median(rec)) },
      peakRssMb: rss.peakMb(pids) ?? Number.NaN,
      byN,
      oneCallTurnMs: quantiles(base1.map((t) => t - t0)),
    };
  } catch (e) {
    const err = ensureError(e);
    if (err instanceof EngineMissingError) return { missing: err.message };
    const engineMissing = /not installed|ordeal engines install/.exec(err.message);
    return { missing: engineMissing ? err.message : `the bench failed: ${err.message}` };
  } finally {
    rss.stop();
    delete process.env.ORDEAL_PROBES;
    delete process.env.ORDEAL_SPAN_EXPORT;
  }
}
