import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';

const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;
const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

describe('ordeal bench', () => {
  it('measures the reference runtime beside the disk floor and says why an adapter without its engine is missing', async () => {
    const out = tempDir();
    const noEngines = tempDir('ordeal-no-engines-');
    const r = await ordeal(['bench', '--adapter', 'reference,restate', '--steps', '1,5', '--quick', '--json', '--out', out], { env: { ORDEAL_ENGINES_DIR: noEngines, ORDEAL_BENCH_KEEP_RUNS: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as Record<string, any>;
    expect(Object.keys(res).sort()).toEqual(['adapters', 'floor', 'harness', 'machine']);
    expect(res.machine.cpus).toBeGreaterThan(0);
    for (const probe of ['fdatasyncMs', 'sqliteFullInsertMs']) for (const q of ['p50', 'p99']) expect(positive(res.floor[probe][q]), `${probe}.${q}`).toBe(true);
    const ref = res.adapters.reference;
    // a step's marginal cost, (T(5) − T(1)) / 4 from one repetition, may come out below zero on a noisy machine
    for (const v of [ref.perStepMs.p50, ref.perStepMs.p99, ref.ratioToFloor]) expect(finite(v), JSON.stringify(ref)).toBe(true);
    expect(Object.keys(ref.byN)).toEqual(['5']);
    for (const v of [ref.oneCallTurnMs.p50, ref.throughput.workflowsPerS, ref.throughput.stepsPerS, ref.recoveryMs.p50, ref.peakRssMb])
      expect(positive(v), JSON.stringify(ref)).toBe(true);
    expect(positive(ref.inProcess.perStepMs.p50)).toBe(true);
    // how late a 50 ms durable timer and a 50 ms hinted retry end (a timer may fire a ms early: finite, not positive)
    expect(ref.inProcess.waits.waitMs).toBe(50);
    for (const v of [ref.inProcess.waits.timerLateMs.p50, ref.inProcess.waits.timerLateMs.p99, ref.inProcess.waits.retryAfterLateMs.p50, ref.inProcess.waits.retryAfterLateMs.p99])
      expect(finite(v), JSON.stringify(ref.inProcess.waits)).toBe(true);
    expect(res.adapters.restate).toEqual({ missing: expect.stringContaining('ordeal engines install restate') });
    expect(positive(res.harness.casesPerMin)).toBe(true);
    // the same result is on disk for the HTML report
    expect(JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'))).toEqual(res);

    // ... and the HTML report shows it: the table row and the chart bar with the floor line
    const html = await ordeal(['report', join(out, 'bench-runs'), '--format', 'html', '--bench', join(out, 'bench.json')]);
    expect(html.code, html.stderr).toBe(0);
    const section = html.stdout.slice(html.stdout.indexOf('<section class="bench">'));
    expect(section).toContain('<h2>Benchmarks</h2>');
    expect(section).toMatch(/<tr><td>reference<\/td><td>-?[\d.]+<\/td>/);
    expect(section).toContain('<title>reference (runtime in-process):');
    expect(section).toContain(`fdatasync 4 KiB ${res.floor.fdatasyncMs.p50.toFixed(3)} ms`);
    expect(section).toContain('missing: ');
  }, 240_000);

  it('rejects a malformed --steps with exit 2 naming the flag', async () => {
    const r = await ordeal(['bench', '--steps', '1,x', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--steps 1,x');
  });

  it('rejects --steps without an N of 2 or more (a step is measured as (T(N) − T(1)) / (N − 1))', async () => {
    const r = await ordeal(['bench', '--steps', '1', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at least one of them 2 or more');
  });
});
