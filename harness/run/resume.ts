/**
 * Resuming a matrix whose orchestrator died (SIGKILL, a machine restart): `--resume` keeps every case of the matrix
 * already judged in its runs directory (a run folder of that case and seed with its verdict.json), moves a torn one
 * (run.json without verdict.json) aside into `.incomplete/`, and runs the rest.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Verdict } from '../checks/index.js';
import { FILES, type RunInfo, type Schedule } from '../store/index.js';
import { summarize, type CaseSummary } from './summary.js';

/** Where torn cases go, so that reports over the runs directory do not read them. */
export const INCOMPLETE_DIR = '.incomplete';

/** One case of a matrix as it is identified across runs: what it runs and how. */
export interface MatrixCase {
  adapter: string;
  scenario: string;
  schedule: Schedule;
  idempotency: 'framework' | 'none';
  options: Record<string, string>;
}

/** What `--resume` found: the cases already judged (by index in the matrix) and the torn folders moved aside. */
export interface Resumed {
  done: Map<number, CaseSummary>;
  torn: string[];
}

const keyOf = (c: MatrixCase, seed: number) =>
  JSON.stringify([c.adapter, c.scenario, c.schedule, c.idempotency, seed, Object.entries(c.options).sort(([a], [b]) => a.localeCompare(b))]);

/** The run folders directly under `dir` with their run.json, oldest first. */
function runFolders(dir: string): { name: string; runDir: string; info: RunInfo }[] {
  if (!existsSync(dir)) return [];
  const out: { name: string; runDir: string; info: RunInfo }[] = [];
  for (const name of readdirSync(dir)) {
    const runDir = join(dir, name);
    if (name === INCOMPLETE_DIR || !existsSync(join(runDir, FILES.run))) continue;
    try {
      out.push({ name, runDir, info: JSON.parse(readFileSync(join(runDir, FILES.run), 'utf8')) as RunInfo });
    } catch {
      // unreadable: not a case this matrix can keep
    }
  }
  return out.sort((a, b) => String(a.info.startedAt).localeCompare(String(b.info.startedAt)) || a.name.localeCompare(b.name));
}

/** The seed of the interrupted matrix: that of the newest run folder in `runsDir` of one of its cases, if any. */
export function resumedSeed(runsDir: string, cases: MatrixCase[]): number | undefined {
  const planned = new Set(cases.map((c) => keyOf(c, 0)));
  const mine = runFolders(resolve(runsDir)).filter((f) => planned.has(keyOf(asCase(f.info), 0)));
  return mine.at(-1)?.info.seed;
}

const asCase = (info: RunInfo): MatrixCase => ({
  adapter: info.adapter,
  scenario: info.scenario,
  schedule: info.schedule,
  idempotency: info.idempotency,
  options: Object.fromEntries(Object.entries(info.options ?? {}).map(([k, v]) => [k, String(v)])),
});

/**
 * Matches the run folders of `runsDir` against the matrix's cases at `seed`: a judged folder is kept (each used
 * once, the earliest first), a torn one of the matrix is moved into `.incomplete/` and its case runs again.
 */
export function resumeMatrix(runsDir: string, seed: number, cases: MatrixCase[]): Resumed {
  return collect([resolve(runsDir)], seed, cases, true);
}

/**
 * The judged run folders of the matrix's cases at `seed` found in the shards' runs directories (`ordeal gate
 * --merge`), by index in the matrix; nothing is moved.
 */
export function mergeShards(runsDirs: string[], seed: number, cases: MatrixCase[]): Map<number, CaseSummary> {
  return collect(
    runsDirs.map((d) => resolve(d)),
    seed,
    cases,
    false,
  ).done;
}

function collect(dirs: string[], seed: number, cases: MatrixCase[], moveTorn: boolean): Resumed {
  const planned = cases.map((c) => keyOf(c, seed));
  const inPlan = new Set(planned);
  const judged = new Map<string, string[]>();
  const torn: string[] = [];
  for (const dir of dirs)
    for (const { name, runDir, info } of runFolders(dir)) {
      const key = keyOf(asCase(info), info.seed);
      if (!inPlan.has(key)) continue;
      if (!existsSync(join(runDir, FILES.verdict))) {
        if (!moveTorn) continue;
        mkdirSync(join(dir, INCOMPLETE_DIR), { recursive: true });
        renameSync(runDir, join(dir, INCOMPLETE_DIR, name));
        torn.push(join(dir, INCOMPLETE_DIR, name));
        continue;
      }
      judged.set(key, [...(judged.get(key) ?? []), runDir]);
    }
  const done = new Map<number, CaseSummary>();
  planned.forEach((key, i) => {
    const found = judged.get(key)?.shift();
    if (found) done.set(i, loadSummary(found));
  });
  return { done, torn };
}

/** A judged run folder as the case summary a run prints. */
export function loadSummary(runDir: string): CaseSummary {
  const info = JSON.parse(readFileSync(join(runDir, FILES.run), 'utf8')) as RunInfo;
  const verdict = JSON.parse(readFileSync(join(runDir, FILES.verdict), 'utf8')) as Verdict;
  return summarize({ runDir, info, verdict });
}
