/** One adapter through the whole stack: per-step cost of both shapes (chain, fan-out), throughput, recovery time and the worker's peak RSS. */
import { findAdapter } from '../adapters/index.js';
import type { Adapter } from '../harness/run/adapter.js';
import { EngineMissingError } from '../harness/engines/index.js';
import { ensureError } from '../harness/errors.js';
import { benchCase, recoveryMs, type CaseTiming } from './case-timing.js';
import { benchScenario, SHAPES, type Shape } from './scenarios.js';
import { RssSampler } from './rss-sampler.js';
import { BARE_LOOP, BARE_LOOP_PYTHON, bareLoopAdapter, type BareLoopLanguage } from './bare-loop/adapter.js';
import type { RuntimeWaitsResult } from './runtime-waits.js';
import type { WarmReference } from './warm-reference.js';
import { median, quantiles, round, type Quantiles } from './stats.js';

/** One shape's figures for one adapter. */
export interface ShapeFigures {
  /** The marginal cost of one step: (T(N) − T(1)) / (N − 1) at the largest N. */
  perStepMs: Quantiles;
  /** perStepMs.p50 / the shape's floor (`floor.chain` or `floor.fanOut`), set once the run's floor is known. */
  ratioToFloor: number;
  /**
   * perStepMs.p50 / the bare loop's on the same shape (absent on the bare loop itself, or when it was not measured): the
   * Node.js bare loop's, or the Python one's for an adapter whose workers are Python (`bareLoop: 'python'`).
   */
  ratioToBareLoop?: number;
  /** Per-step p50/p99 by N ≥ 2 (the headline is the largest N). */
  byN: Record<string, Quantiles>;
}

export interface AdapterFigures {
  /** N turns of one tool call each: a step is one more turn (a model call and a tool call, each durable). The headline. */
  chain: ShapeFigures;
  /** One turn of N concurrent tool calls: a step is one more call in the turn. */
  fanOut: ShapeFigures;
  /** T(1) − T(0): what a model turn with one call adds to a case (a model round trip and one step). */
  oneCallTurnMs: Quantiles;
  throughput: { workflowsPerS: number; stepsPerS: number };
  recoveryMs: { p50: number };
  peakRssMb: number;
  /** Adapters whose store is not the bench directory's disk (e.g. dbos on PostgreSQL): one commit on it, measured directly. */
  storeFloor?: { store: string; commitMs: Quantiles };
  /** reference only: the runtime's own overhead, in-process, without HTTP, against the fdatasync p50, and how late its timers and hinted retries end. */
  inProcess?: { perStepMs: Quantiles; ratioToFloor: number; waits: RuntimeWaitsResult };
  /**
   * reference only: its chain turn in one long-lived process beside one long-lived world (bench/warm-reference.ts), after
   * a warm-up, against the chain's floor: what a production worker pays per turn once its code is warm.
   */
  warmProcess?: WarmReference & { ratioToFloor: number };
  /** Its workers are Python (manifest `workerLanguage`): its `ratioToBareLoop` is against the bare loop in Python. */
  bareLoop?: 'python';
}
export type AdapterResult = AdapterFigures | { missing: string };
/** The bare loop's figures: the shapes only (it has no recovery to time, no engine, and runs no throughput case). */
export type BareLoopFigures = Pick<AdapterFigures, 'chain' | 'fanOut' | 'oneCallTurnMs'>;

export interface AdapterBenchOptions {
  steps: number[];
  reps: number;
  concurrency: number;
  outDir: string;
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
  // Sampling /proc every 100 ms costs the processes being timed (a chain's reference turn took 3× as long beside it), so
  // the sampler runs only in the phases that time nothing per step: throughput and recovery.
  const rss = new RssSampler();
  const pids: number[] = [];
  const run = caseRunner(
    () => entry.load(),
    o.outDir,
    entry.caseTimeoutMs,
    (t) => pids.push(...t.workerPids),
  );
  try {
    const shapes = await benchShapes(name, run, o);

    const tn = Math.min(10, Math.max(...o.steps));
    o.log(`${name}: throughput, ${o.concurrency} concurrent chains of ${tn} turns`);
    rss.start();
    const together = await Promise.all(Array.from({ length: o.concurrency }, () => run('chain', tn)));
    const windowS = (Math.max(...together.map((t) => t.lastLlm)) - Math.min(...together.map((t) => t.firstLlm))) / 1000;

    o.log(`${name}: recovery (a chain of 10 turns, SIGKILL at step:3)`);
    const rec: number[] = [];
    for (let r = 0; r < Math.max(1, Math.ceil(o.reps / 2)); r++) {
      const t = await run('chain', 10, true, [{ fault: 'kill-worker', at: 'step:3' }]);
      const ms = recoveryMs(t.ops);
      if (ms === undefined) throw new Error(`no recovery seen after the kill; see ${t.runDir}`);
      rec.push(ms);
    }
    rss.stop();
    const own = await (await entry.load()).commitFloor?.(o.reps * 100);
    return {
      ...(own ? { storeFloor: { store: own.store, commitMs: quantiles(own.latenciesMs) } } : {}),
      ...shapes,
      throughput: { workflowsPerS: round(o.concurrency / windowS), stepsPerS: round((o.concurrency * tn) / windowS) },
      recoveryMs: { p50: round(median(rec)) },
      peakRssMb: rss.peakMb(pids) ?? Number.NaN,
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

type CaseRun = (shape: Shape, n: number, probes?: boolean, schedule?: Parameters<typeof benchCase>[0]['schedule']) => Promise<CaseTiming>;

/** Runs one bench case of an adapter: a fresh adapter object per case (adapters keep per-case clients, which runCase closes, and cases may run concurrently). */
function caseRunner(load: () => Promise<Adapter>, outDir: string, caseTimeoutMs: number | undefined, seen: (t: CaseTiming) => void): CaseRun {
  return async (shape, n, probes = false, schedule) => {
    const t = await benchCase({
      adapter: await load(),
      scenario: benchScenario(shape, n),
      outDir,
      probes,
      ...(schedule ? { schedule } : {}),
      ...(caseTimeoutMs ? { timeoutMs: caseTimeoutMs } : {}),
    });
    seen(t);
    return t;
  };
}

/** Both shapes' per-step figures and the one-call turn, from `reps` cases of each size. */
async function benchShapes(name: string, run: CaseRun, o: Pick<AdapterBenchOptions, 'steps' | 'reps' | 'log'>): Promise<BareLoopFigures> {
  // Baselines, the same for both shapes: T(0) is one model call and the answer; T(1) adds a turn with one tool call.
  // Every case with tool calls pays T(1)'s extras once (the second model round trip, a fresh worker's first response),
  // so a step's cost is the marginal one, (T(N) − T(1)) / (N − 1), and the turn itself is reported as T(1) − T(0).
  o.log(`${name}: baselines (0 and 1 steps) × ${o.reps}`);
  const base0: number[] = [];
  const base1: number[] = [];
  for (let r = 0; r < o.reps; r++) {
    base0.push((await run('chain', 0)).agentMs);
    base1.push((await run('chain', 1)).agentMs);
  }
  const t0 = median(base0);
  const t1 = median(base1);
  const byN: Record<Shape, Record<string, Quantiles>> = { chain: {}, fanOut: {} };
  const headline: Record<Shape, number[]> = { chain: [], fanOut: [] };
  for (const n of o.steps.filter((x) => x >= 2)) {
    o.log(`${name}: ${n} steps, chain and fan-out alternately × ${o.reps}`);
    const per: Record<Shape, number[]> = { chain: [], fanOut: [] };
    for (let r = 0; r < o.reps; r++) for (const shape of SHAPES) per[shape].push(((await run(shape, n)).agentMs - t1) / (n - 1));
    for (const shape of SHAPES) {
      byN[shape][String(n)] = quantiles(per[shape]);
      headline[shape] = per[shape];
    }
  }
  const figures = (shape: Shape): ShapeFigures => ({ perStepMs: quantiles(headline[shape]), ratioToFloor: Number.NaN, byN: byN[shape] });
  return { chain: figures('chain'), fanOut: figures('fanOut'), oneCallTurnMs: quantiles(base1.map((t) => t - t0)) };
}

/** The bare loop (bench/bare-loop): the same shapes through the same orchestrator and world, with no framework. */
export async function benchBareLoop(
  o: Pick<AdapterBenchOptions, 'steps' | 'reps' | 'outDir' | 'log'>,
  language: BareLoopLanguage = 'node',
): Promise<BareLoopFigures> {
  try {
    return await benchShapes(
      language === 'node' ? BARE_LOOP : BARE_LOOP_PYTHON,
      caseRunner(
        async () => bareLoopAdapter(language),
        o.outDir,
        undefined,
        () => undefined,
      ),
      o,
    );
  } finally {
    delete process.env.ORDEAL_PROBES;
    delete process.env.ORDEAL_SPAN_EXPORT;
  }
}
