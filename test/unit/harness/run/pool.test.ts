import { describe, expect, it } from 'vitest';
import { parseJobs, parseShard, runPool, shardOf } from '../../../../harness/run/pool.js';
import { UsageError } from '../../../../harness/errors.js';

/** A job that ends when the test says so, so completion order is chosen, not timed. */
function gate<T>() {
  let open!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const p = new Promise<T>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { p, open, fail };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('runPool', () => {
  it('runs at most `jobs` at once, starts them in order and returns results in input order whatever order they end in', async () => {
    const gates = [0, 1, 2, 3, 4].map(() => gate<string>());
    const started: number[] = [];
    const reported: number[] = [];
    let running = 0;
    let peak = 0;
    const all = runPool(
      [0, 1, 2, 3, 4],
      2,
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        try {
          return await gates[i]!.p;
        } finally {
          running--;
        }
      },
      { onStart: (_x, i) => started.push(i), onResult: (_r, i) => reported.push(i) },
    );
    await tick();
    expect(started).toEqual([0, 1]);
    gates[1]!.open('b'); // the second ends first: it is not reported before the first
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect(reported).toEqual([]);
    gates[2]!.open('c');
    gates[0]!.open('a');
    await tick();
    expect(reported).toEqual([0, 1, 2]);
    gates[4]!.open('e');
    gates[3]!.open('d');
    expect(await all).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(reported).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('with one job runs them strictly one after the other', async () => {
    const log: string[] = [];
    const out = await runPool(['x', 'y', 'z'], 1, async (s) => {
      log.push(`start ${s}`);
      await tick();
      log.push(`end ${s}`);
      return s.toUpperCase();
    });
    expect(out).toEqual(['X', 'Y', 'Z']);
    expect(log).toEqual(['start x', 'end x', 'start y', 'end y', 'start z', 'end z']);
  });

  it('after a failure starts nothing more, lets the running jobs end and rethrows the earliest failed job', async () => {
    const gates = [0, 1, 2, 3].map(() => gate<number>());
    const started: number[] = [];
    const ended: number[] = [];
    const all = runPool([0, 1, 2, 3], 2, (i) => gates[i]!.p, { onStart: (_x, i) => started.push(i), onSettled: (_x, i) => ended.push(i) });
    await tick();
    gates[1]!.fail(new Error('job 1 broke'));
    await tick();
    gates[0]!.fail(new Error('job 0 broke')); // earlier in the input, later in time: this is the one reported
    await expect(all).rejects.toThrow('job 0 broke');
    expect(started).toEqual([0, 1]);
    expect(ended.sort()).toEqual([0, 1]);
  });

  it('an empty list is an empty result', async () => {
    expect(await runPool([], 4, async () => 1)).toEqual([]);
  });
});

describe('parseJobs', () => {
  it('defaults to the number of cores and accepts 1 to 64', () => {
    expect(parseJobs(undefined)).toBeGreaterThanOrEqual(1);
    expect(parseJobs(1)).toBe(1);
    expect(parseJobs('3')).toBe(3);
  });

  it('rejects what is not a job count with ORD-190, naming the value', () => {
    for (const bad of [0, -1, 1.5, 'two', 65, Number.NaN]) {
      expect(() => parseJobs(bad)).toThrow(UsageError);
      expect(() => parseJobs(bad)).toThrow(/--jobs .*expected an integer from 1 to 64/);
    }
    try {
      parseJobs(0);
    } catch (e) {
      expect((e as UsageError).code).toBe('ORD-190');
    }
  });
});

describe('shards', () => {
  it('n shards of a matrix cover each case exactly once, in the matrix order, the same split every time', () => {
    const matrix = Array.from({ length: 41 }, (_, i) => `case ${i}`);
    for (const n of [1, 2, 3, 7, 41, 50]) {
      const parts = Array.from({ length: n }, (_, i) => shardOf(matrix, parseShard(`${i + 1}/${n}`)));
      const covered = parts.flat().sort((a, b) => a.at - b.at);
      expect(covered.map((c) => c.item)).toEqual(matrix);
      for (const p of parts) expect(p.map((c) => c.at)).toEqual([...p.map((c) => c.at)].sort((a, b) => a - b));
      expect(parts).toEqual(Array.from({ length: n }, (_, i) => shardOf(matrix, parseShard(`${i + 1}/${n}`))));
    }
    expect(shardOf(matrix, undefined)).toHaveLength(41);
  });

  it('rejects a shard that is not i/n with 1 ≤ i ≤ n with ORD-194', () => {
    for (const bad of ['0/3', '4/3', '1', '1/0', 'a/b', '2/3/4', '-1/2'])
      expect(() => parseShard(bad)).toThrow(/--shard .*expected i\/n with 1 ≤ i ≤ n/);
    expect(parseShard(' 2/3 ')).toEqual({ index: 2, count: 3 });
  });
});
