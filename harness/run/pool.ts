/** A job pool for cases: at most `jobs` at a time, results in the input's order, completions reported in that order too. */
import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import { textOf } from '../json.js';

/** `--jobs` when not given: one case per core. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** `--jobs N`: an integer from 1 to 64, else a usage error naming the value; undefined is the default (the number of cores). */
export function parseJobs(v: unknown): number {
  if (v === undefined) return defaultJobs();
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(
      `--jobs ${textOf(v)}: expected an integer from 1 to 64 (cases run at the same time; default: the number of cores)`,
      'ORD-190',
    );
  return n;
}

export interface PoolHooks<T, R> {
  /** A job starts (in input order: job i never starts before job i-1). */
  onStart?: (item: T, index: number) => void;
  /** A job ended, in completion order. */
  onSettled?: (item: T, index: number) => void;
  /** Results in input order: job i is reported once it and every job before it ended. */
  onResult?: (result: R, index: number) => void;
}

/**
 * Runs `fn` over `items` with at most `jobs` running at once, starting them in order, and resolves with the results
 * in input order. After a job throws no further job starts; the running ones end, and the error of the earliest
 * failed job (by input order) is rethrown, so the same failure surfaces whatever the number of jobs.
 */
export async function runPool<T, R>(
  items: readonly T[],
  jobs: number,
  fn: (item: T, index: number) => Promise<R>,
  hooks: PoolHooks<T, R> = {},
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const done: boolean[] = new Array<boolean>(items.length).fill(false);
  const errors = new Map<number, unknown>();
  let next = 0;
  let reported = 0;
  const report = () => {
    while (reported < items.length && done[reported] && !errors.has(reported)) {
      hooks.onResult?.(results[reported]!, reported);
      reported++;
    }
  };
  const lane = async () => {
    while (next < items.length && errors.size === 0) {
      const i = next++;
      const item = items[i]!;
      hooks.onStart?.(item, i);
      try {
        results[i] = await fn(item, i);
      } catch (e) {
        errors.set(i, e);
      }
      done[i] = true;
      hooks.onSettled?.(item, i);
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, lane));
  if (errors.size) throw errors.get(Math.min(...errors.keys()));
  return results;
}

/** `--shard i/n`: this runner's part of a matrix split over n runners. */
export interface Shard {
  index: number;
  count: number;
}

/** `--shard i/n` (1 ≤ i ≤ n ≤ 256), else a usage error naming the value; undefined when not given. */
export function parseShard(v: unknown): Shard | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(textOf(v).trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > 256 || index < 1 || index > count)
    throw new UsageError(`--shard ${textOf(v)}: expected i/n with 1 ≤ i ≤ n ≤ 256, e.g. --shard 2/3 (this runner's part of n)`, 'ORD-194');
  return { index, count };
}

/**
 * The part of a matrix (in its order) that shard i/n runs: every n-th case from the i-th, so that n runners with the
 * same matrix and seed cover it exactly once, each with a mix of the matrix's scenarios and faults. `at` keeps each
 * case's index in the whole matrix.
 */
export function shardOf<T>(items: readonly T[], shard: Shard | undefined): { item: T; at: number }[] {
  const all = items.map((item, at) => ({ item, at }));
  return shard ? all.filter(({ at }) => at % shard.count === shard.index - 1) : all;
}
