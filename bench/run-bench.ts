/** `ordeal bench`: the floors (disk, loopback HTTP, each shape's), each adapter, and the harness's own cost, measured in one run on one directory. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { benchAdapter, benchBareLoop, type AdapterResult, type BareLoopFigures } from './adapter-bench.js';
import { measureDisk } from './floor.js';
import { measureLoopback } from './loopback.js';
import { medianFloor, shapeFloors, type Floor } from './shape-floor.js';
import { SHAPES } from './scenarios.js';
import { findAdapter } from '../adapters/index.js';
import { measureHarness, type HarnessCost } from './harness-cost.js';
import { measureRuntimeSteps } from './runtime-steps.js';
import { measureRuntimeWaits } from './runtime-waits.js';
import { medianWarmReference, type WarmReference } from './warm-reference.js';
import { measureWarmRows } from './warm-process.js';
import { round } from './stats.js';

export interface BenchOptions {
  adapters: string[];
  steps: number[];
  quick: boolean;
  out: string;
  /** Cases at the same time in the harness figure (`--jobs`); default 1. */
  jobs?: number;
  log?: (line: string) => void;
}

export interface BenchResult {
  machine: {
    cpus: number;
    cpuModel: string;
    memGb: number;
    node: string;
    os: string;
    benchDir: string;
    loadAvg1m: number;
    quick: boolean;
    steps: number[];
    date: string;
  };
  floor: Floor;
  /** The shapes on the bare loop (bench/bare-loop): the agent loop by hand, a file and fdatasync, no framework. */
  bareLoop: BareLoopFigures;
  /** The same loop by hand in Python (bench/bare-loop/bare_loop.py), measured when an adapter with Python workers is benched. */
  bareLoopPython?: BareLoopFigures;
  adapters: Record<string, AdapterResult>;
  harness: HarnessCost;
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const log = o.log ?? (() => undefined);
  const out = resolve(o.out);
  // runs and probe files live under the output directory: the floor is the disk every adapter writes to
  const work = join(out, 'bench-runs');
  mkdirSync(work, { recursive: true });
  const reps = o.quick ? 1 : 3;
  const machine: BenchResult['machine'] = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memGb: round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    benchDir: work,
    loadAvg1m: round(loadavg()[0] ?? 0),
    quick: o.quick,
    steps: o.steps,
    date: new Date().toISOString(),
  };
  // The floor is measured before each adapter and the run's floor is the median of each part over those measurements:
  // on a shared machine one measurement can land in a busy moment, and every adapter is compared with the same floor.
  const n = Math.max(...o.steps);
  const measured: Floor[] = [];
  // The reference runtime in one warm process is measured beside every floor measurement, as the warm loop is: the row
  // is the median over them, not one measurement that may land in a busy moment of the run.
  const warmReference = o.adapters.includes('reference');
  const warm: WarmReference[] = [];
  const measureFloor = async (before: string) => {
    log(
      `floor (before ${before}): fdatasync 4 KiB, SQLite insert (WAL, synchronous=FULL), loopback HTTP round trips to a world process (model call, tool call, ${n} concurrent tool calls)`,
    );
    const disk = await measureDisk(work, o.quick);
    const loopback = await measureLoopback(work, n, o.quick);
    log(
      `warm rows (beside the floor before ${before}), in a fresh process: the loop by hand${warmReference ? `, then the reference runtime's agent loop in chains of ${n} turns,` : ''} beside one long-lived world`,
    );
    const rows = await measureWarmRows({ dir: work, n, quick: o.quick, reference: warmReference });
    const floor = { ...disk, loopback: { ...loopback, warmChain: rows.warmChain }, ...shapeFloors(disk, loopback) };
    measured.push(floor);
    if (rows.reference) {
      warm.push(rows.reference);
      const chain = floor.chain.perStepMs;
      log(
        `reference: one warm process: a turn p50 ${rows.reference.perTurnMs.p50} ms, ${round(rows.reference.perTurnMs.p50 / chain)} × the chain floor measured beside it (${chain} ms)`,
      );
    }
  };
  // the loop any framework is weighed against: the same world, client and loop, a file and fdatasync, no framework
  await measureFloor('the bare loop');
  const bareLoop = await benchBareLoop({ steps: o.steps, reps, outDir: work, log });
  // adapters whose agent loop is Python are weighed against the loop by hand in Python, the language their users write
  const python = new Set(o.adapters.filter((name) => findAdapter(name)?.workerLanguage === 'python'));
  let bareLoopPython: BareLoopFigures | undefined;
  if (python.size > 0) {
    await measureFloor('the bare loop in Python');
    bareLoopPython = await benchBareLoop({ steps: o.steps, reps, outDir: work, log }, 'python');
  }
  const results: Record<string, AdapterResult> = {};
  let inProcess: Awaited<ReturnType<typeof measureRuntimeSteps>> | undefined;
  let waits: Awaited<ReturnType<typeof measureRuntimeWaits>> | undefined;
  for (const name of o.adapters) {
    await measureFloor(name);
    const r = await benchAdapter(name, { steps: o.steps, reps, concurrency: o.quick ? 2 : 8, outDir: work, log });
    if (name === 'reference' && !('missing' in r)) {
      log('reference: the runtime in-process, no HTTP');
      inProcess = await measureRuntimeSteps(work, o.steps, o.quick ? 5 : 30);
      log('reference: how late its timers and hinted retries end, in-process');
      waits = await measureRuntimeWaits(work, o.quick ? 3 : 10);
    }
    results[name] = r;
  }
  const floor = medianFloor(measured);
  for (const b of [bareLoop, bareLoopPython])
    for (const shape of SHAPES) if (b) b[shape].ratioToFloor = round(b[shape].perStepMs.p50 / floor[shape].perStepMs);
  for (const [name, r] of Object.entries(results)) {
    if ('missing' in r) continue;
    const bare = python.has(name) && bareLoopPython ? bareLoopPython : bareLoop;
    if (bare === bareLoopPython) r.bareLoop = 'python';
    for (const shape of SHAPES) {
      r[shape].ratioToFloor = round(r[shape].perStepMs.p50 / floor[shape].perStepMs);
      r[shape].ratioToBareLoop = round(r[shape].perStepMs.p50 / bare[shape].perStepMs.p50);
    }
  }
  const ref = results.reference;
  if (inProcess && waits && ref && !('missing' in ref))
    ref.inProcess = { perStepMs: inProcess.perStepMs, ratioToFloor: round(inProcess.perStepMs.p50 / floor.fdatasyncMs.p50), waits };
  if (warm.length > 0 && ref && !('missing' in ref)) {
    const warmProcess = medianWarmReference(warm);
    ref.warmProcess = { ...warmProcess, ratioToFloor: round(warmProcess.perTurnMs.p50 / floor.chain.perStepMs) };
  }
  const jobs = o.jobs ?? 1;
  log(`harness: ordeal run cases per minute on the reference runtime, ${jobs} at a time, and where a case's time goes`);
  const harness = await measureHarness(work, o.quick, jobs);
  const result: BenchResult = { machine, floor, bareLoop, ...(bareLoopPython ? { bareLoopPython } : {}), adapters: results, harness };
  writeFileSync(join(out, 'bench.json'), JSON.stringify(result, null, 2) + '\n');
  if (!process.env.ORDEAL_BENCH_KEEP_RUNS) rmSync(work, { recursive: true, force: true });
  return result;
}
