/** `ordeal bench`: the floors (disk, loopback HTTP, each shape's), each adapter, and the harness's own cost, measured in one run on one directory. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { benchAdapter, type AdapterResult } from './adapter-bench.js';
import { measureDisk } from './floor.js';
import { measureLoopback } from './loopback.js';
import { shapeFloors, type Floor } from './shape-floor.js';
import { measureHarness } from './harness-cost.js';
import { measureRuntimeSteps } from './runtime-steps.js';
import { round } from './stats.js';

export interface BenchOptions {
  adapters: string[];
  steps: number[];
  quick: boolean;
  out: string;
  log?: (line: string) => void;
}

export interface BenchResult {
  machine: { cpus: number; cpuModel: string; memGb: number; node: string; os: string; benchDir: string; loadAvg1m: number; quick: boolean; steps: number[]; date: string };
  floor: Floor;
  adapters: Record<string, AdapterResult>;
  harness: { casesPerMin: number };
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
  log('floor: fdatasync 4 KiB, SQLite insert (WAL, synchronous=FULL)');
  const disk = await measureDisk(work, o.quick);
  const n = Math.max(...o.steps);
  log(`floor: loopback HTTP round trips to a world process (model call, tool call, ${n} concurrent tool calls)`);
  const loopback = await measureLoopback(work, n, o.quick);
  const floor: Floor = { ...disk, loopback, ...shapeFloors(disk, loopback) };
  const results: Record<string, AdapterResult> = {};
  for (const name of o.adapters) {
    const r = await benchAdapter(name, { steps: o.steps, reps, concurrency: o.quick ? 2 : 8, outDir: work, floor, log });
    if (name === 'reference' && !('missing' in r)) {
      log('reference: the runtime in-process, no HTTP');
      const inProc = await measureRuntimeSteps(work, o.steps, o.quick ? 5 : 30);
      r.inProcess = { perStepMs: inProc.perStepMs, ratioToFloor: round(inProc.perStepMs.p50 / floor.fdatasyncMs.p50) };
    }
    results[name] = r;
  }
  log('harness: ordeal run cases per minute on the reference runtime');
  const harness = await measureHarness(work, o.quick);
  const result: BenchResult = { machine, floor, adapters: results, harness };
  writeFileSync(join(out, 'bench.json'), JSON.stringify(result, null, 2) + '\n');
  if (!process.env.ORDEAL_BENCH_KEEP_RUNS) rmSync(work, { recursive: true, force: true });
  return result;
}
