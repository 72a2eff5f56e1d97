/** The property search of `ordeal check`: fast-check draws schedules, each one is judged, a failure is shrunk. */
import fc from 'fast-check';
import { ensureError } from '../errors.js';
import type { Schedule } from '../store/index.js';
import { runPool } from '../run/pool.js';

export interface SearchProgress {
  phase: 'search' | 'shrink';
  /** Cases judged so far (search and shrink). */
  cases: number;
  /** Failing cases seen so far (the first one and every smaller one that still failed). */
  failures: number;
  /** The schedule had been judged already: its verdict was reused, nothing ran. */
  reused: boolean;
}

export interface SearchOptions<R> {
  arbitrary: fc.Arbitrary<Schedule>;
  seed: number;
  runs: number;
  /** At most this many cases are run while shrinking; the rest of the shrink candidates are not run. */
  shrinkBudget: number;
  /** Runs one case; throwing aborts the whole search (a harness failure, not a verdict). A schedule drawn again reuses its verdict. */
  judge(schedule: Schedule): Promise<R>;
  passed(result: R): boolean;
  onCase?(result: R, schedule: Schedule, progress: SearchProgress): void;
  /**
   * Cases judged at the same time while searching (default 1). fast-check draws each run's schedule from the seed
   * alone, so the schedules are drawn first and judged `jobs` at a time, in order, until a window holds a failure;
   * fast-check then walks the same runs reading those verdicts. Shrinking stays one case at a time, so the result
   * (first failure, shrink path, minimal schedule) is the same for a seed whatever `jobs` is.
   */
  jobs?: number;
}

export type SearchResult<R> =
  /** `runs` counts schedules drawn; `cases` counts those actually run (a schedule drawn twice runs once). */
  | { status: 'passed'; seed: number; runs: number; cases: number }
  | {
      status: 'failed';
      seed: number;
      /** Cases drawn before the first failure, that one included. */
      runs: number;
      cases: number;
      /** fast-check's path of the minimal failing case: with the seed, it regenerates the schedule. */
      path: string;
      schedule: Schedule;
      result: R;
      firstSchedule: Schedule;
      shrinkCases: number;
      /** True when the shrink budget ran out before fast-check had tried every smaller candidate. */
      budgetExhausted: boolean;
    };

const key = (s: Schedule) => JSON.stringify(s);

type Judged<R> = { result: R } | { error: unknown };

/**
 * The search phase judged ahead, `jobs` cases at a time: the schedules fast-check will draw for this seed (a first
 * pass whose property always holds draws them), distinct, judged window by window in their order until a window
 * holds a failure or a harness error; the cases after it in that window are wasted work, never read before it.
 */
async function judgeAhead<R>(o: SearchOptions<R>, jobs: number): Promise<Map<string, Judged<R>>> {
  const drawn = new Map<string, Schedule>();
  await fc.check(
    fc.asyncProperty(o.arbitrary, async (schedule) => {
      if (!drawn.has(key(schedule))) drawn.set(key(schedule), schedule);
      return true;
    }),
    { seed: o.seed, numRuns: o.runs },
  );
  const out = new Map<string, Judged<R>>();
  const schedules = [...drawn.values()];
  for (let at = 0; at < schedules.length; at += jobs) {
    const window = schedules.slice(at, at + jobs);
    const judged = await runPool(window, jobs, async (s): Promise<Judged<R>> => {
      try {
        return { result: await o.judge(s) };
      } catch (error) {
        return { error };
      }
    });
    window.forEach((s, i) => out.set(key(s), judged[i]!));
    if (judged.some((j) => 'error' in j || !o.passed(j.result))) break;
  }
  return out;
}

export async function searchSchedules<R>(o: SearchOptions<R>): Promise<SearchResult<R>> {
  const results = new Map<string, R>();
  // triggers fire at exact points, so a schedule drawn again (the empty one often is) would only repeat its verdict
  const memo = new Map<string, R>();
  let aborted: Error | undefined;
  let firstSchedule: Schedule | undefined;
  let cases = 0;
  let shrinkCases = 0;
  let failures = 0;
  let budgetExhausted = false;
  const ahead = (o.jobs ?? 1) > 1 ? await judgeAhead(o, o.jobs!) : new Map<string, Judged<R>>();

  const property = fc.asyncProperty(o.arbitrary, async (schedule) => {
    if (aborted) return true;
    const phase = firstSchedule ? 'shrink' : 'search';
    const seen = memo.get(key(schedule));
    if (seen !== undefined) {
      const ok = o.passed(seen);
      if (!ok) results.set(key(schedule), seen);
      o.onCase?.(seen, schedule, { phase, cases, failures, reused: true });
      return ok;
    }
    if (phase === 'shrink' && shrinkCases >= o.shrinkBudget) {
      budgetExhausted = true;
      return true; // not run: the current counterexample stays the smallest known failure
    }
    let result: R;
    const early = ahead.get(key(schedule));
    ahead.delete(key(schedule));
    try {
      if (early && 'error' in early) throw early.error;
      result = early ? early.result : await o.judge(schedule);
    } catch (e) {
      aborted = ensureError(e);
      return true;
    }
    cases++;
    memo.set(key(schedule), result);
    if (phase === 'shrink') shrinkCases++;
    const ok = o.passed(result);
    if (!ok) {
      failures++;
      firstSchedule ??= schedule;
      results.set(key(schedule), result);
    }
    o.onCase?.(result, schedule, { phase, cases, failures, reused: false });
    return ok;
  });

  const details = await fc.check(property, { seed: o.seed, numRuns: o.runs });
  if (aborted) throw aborted;
  if (!details.failed || !details.counterexample || details.counterexamplePath === null)
    return { status: 'passed', seed: o.seed, runs: details.numRuns, cases };
  const [schedule] = details.counterexample;
  const result = results.get(key(schedule));
  if (result === undefined) throw new Error(`check: no judged case for the counterexample ${key(schedule)}`);
  return {
    status: 'failed',
    seed: o.seed,
    runs: details.numRuns,
    cases,
    path: details.counterexamplePath,
    schedule,
    result,
    firstSchedule: firstSchedule ?? schedule,
    shrinkCases,
    budgetExhausted,
  };
}

/** Regenerates the schedule fast-check drew at `path` for `seed`, without running anything. */
export function scheduleAt(arbitrary: fc.Arbitrary<Schedule>, seed: number, path: string): Schedule {
  const [schedule] = fc.sample(arbitrary, { seed, path, numRuns: 1 });
  if (!schedule) throw new Error(`no schedule at seed ${seed} path ${path}`);
  return schedule;
}
