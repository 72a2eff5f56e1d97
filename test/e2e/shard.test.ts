// `--shard i/n` and `gate --merge`: a matrix split over n CI runners gives the report and verdict of one unsharded run.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';
import { parseXml } from '../helpers/xml.js';

const runFolders = (runs: string) => readdirSync(runs).filter((n) => existsSync(join(runs, n, 'run.json')));

/** The report's matrix as a user reads it: each row's scenario, fault, idempotency and verdicts. */
async function matrixOf(...runs: string[]) {
  const r = await ordeal(['report', ...runs, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const rep = JSON.parse(r.stdout) as {
    totals: unknown;
    matrix: { scenario: string; fault: string; idempotency: string; cells: Record<string, { status: string }[]> }[];
  };
  return {
    totals: rep.totals,
    rows: rep.matrix.map((m) => ({ ...m, cells: Object.fromEntries(Object.entries(m.cells).map(([k, v]) => [k, v.map((c) => c.status)])) })),
  };
}

const violations = (s: string) =>
  s
    .split('\n')
    .filter((l) => /^ {2}\S/.test(l))
    .sort();

describe('ordeal gate --shard and --merge', () => {
  it('3 shards cover the matrix once, and merged give the cases, verdicts and gate verdict of one unsharded gate', async () => {
    const config = join(tempDir('ordeal-gate-'), 'ordeal.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        adapters: ['reference'],
        scenarios: ['refund-agent'],
        schedules: ['kill-worker@after-effect:1', 'kill-worker@llm-call:2', 'kill-worker@before-effect:1'],
        idempotency: ['framework', 'none'],
        require: ['exactly-once-effects', 'completion'],
      }),
    );
    const whole = tempDir();
    const one = await ordeal(['gate', '--config', config, '--out', whole]);
    expect(one.code, one.stderr).toBe(1);

    const shards = [1, 2, 3].map(() => tempDir());
    const parts = await Promise.all(
      shards.map((out, i) => ordeal(['gate', '--config', config, '--out', out, '--shard', `${i + 1}/3`, '--jobs', '1'])),
    );
    parts.forEach((p, i) => expect(p.stderr, `shard ${i + 1}`).toContain(`ordeal gate: 2 of 6 case(s) from`));
    expect(shards.map((s) => runFolders(join(s, 'runs')).length)).toEqual([2, 2, 2]);

    const merged = tempDir();
    const m = await ordeal(['gate', '--config', config, '--out', merged, '--merge', ...shards]);
    expect(m.code, m.stderr).toBe(one.code);
    expect(m.stderr).toContain('merged 6 case(s)');
    expect(violations(m.stdout)).toEqual(violations(one.stdout));
    expect(m.stdout).toMatch(/FAILED — \d+ violation\(s\) in \d+ of 6 case\(s\)/);
    const junit = (dir: string) => parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8')).attrs;
    expect(junit(merged)).toMatchObject({ tests: junit(whole).tests, failures: junit(whole).failures });
    // ordeal report over the shards' run folders is the unsharded report
    expect(await matrixOf(...shards.map((s) => join(s, 'runs')))).toEqual(await matrixOf(join(whole, 'runs')));

    const short = await ordeal(['gate', '--config', config, '--out', tempDir(), '--merge', shards[0]!, shards[2]!]);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/--merge: 2 of 6 case\(s\) .* have no judged run folder .*\[ORD-198\]/);
  }, 900_000);

  it('run --shard needs --seed and an i/n that exists (exit 2)', async () => {
    const out = tempDir();
    const noSeed = await ordeal(['run', '--scenario', 'refund-agent', '--shard', '1/2', '--out', out]);
    expect(noSeed.code).toBe(2);
    expect(noSeed.stderr).toMatch(/--shard 1\/2 needs --seed: every runner of the split must run the matrix with the same seed \[ORD-195\]/);
    const bad = await ordeal(['run', '--scenario', 'refund-agent', '--shard', '3/2', '--seed', '1', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--shard 3/2: expected i/n with 1 ≤ i ≤ n ≤ 256');
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);
});
