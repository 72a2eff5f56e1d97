import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';
import { engineInstalled } from '../helpers/run-folder.js';

const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;
const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
/** How the bench's table writes a figure: `d` decimals below 10, one from 10 up. */
const fmt = (x: number, d: number) => (x < 10 ? x.toFixed(d) : x.toFixed(1));

describe('ordeal bench', () => {
  it("measures the reference runtime on both shapes beside each shape's floor and says why an adapter without its engine is missing", async () => {
    const out = tempDir();
    const noEngines = tempDir('ordeal-no-engines-');
    const r = await ordeal(['bench', '--adapter', 'reference,restate', '--steps', '1,5', '--quick', '--jobs', '2', '--json', '--out', out], {
      env: { ORDEAL_ENGINES_DIR: noEngines, ORDEAL_BENCH_KEEP_RUNS: '1' },
    });
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as Record<string, any>;
    expect(Object.keys(res).sort()).toEqual(['adapters', 'bareLoop', 'floor', 'harness', 'machine']);
    expect(res.machine.cpus).toBeGreaterThan(0);
    for (const probe of ['fdatasyncMs', 'sqliteFullInsertMs'])
      for (const q of ['p50', 'p99']) expect(positive(res.floor[probe][q]), `${probe}.${q}`).toBe(true);
    // each shape's floor: what it counts, from figures measured in the same run
    const { floor } = res;
    expect(floor.measurements).toBe(3); // one before the bare loop and one before each adapter, the missing one included
    for (const q of ['p50', 'p99']) for (const rt of ['modelCallMs', 'toolCallMs']) expect(positive(floor.loopback[rt][q]), `${rt}.${q}`).toBe(true);
    expect(floor.chain).toMatchObject({ fdatasyncs: 2, roundTrips: 2, counts: expect.stringContaining('fdatasync') });
    expect(floor.chain.perStepMs).toBeCloseTo(floor.loopback.modelCallMs.p50 + floor.loopback.toolCallMs.p50 + 2 * floor.fdatasyncMs.p50, 3);
    expect(floor.fanOut).toMatchObject({ fdatasyncs: 0, roundTrips: 1, counts: expect.stringContaining('concurrent') });
    expect(floor.loopback.burst.n).toBe(5);
    expect(floor.fanOut.perStepMs).toBeCloseTo((floor.loopback.burst.p50Ms - floor.loopback.burst.oneP50Ms) / 4, 3);
    for (const shape of ['chain', 'fanOut']) expect(positive(floor[shape].perStepMs), `floor.${shape}`).toBe(true);
    // the chain step done by hand in the bench's warm process, over the conversation the floor's model call sends
    expect(floor.loopback.warmChain).toMatchObject({ turns: floor.loopback.modelCallMs.turns, steps: 100 });
    for (const q of ['p50', 'p99']) expect(positive(floor.loopback.warmChain[q]), `warmChain.${q}`).toBe(true);
    // the bare loop, measured in the same run, and every adapter's ratio to it
    const bare = res.bareLoop;
    for (const shape of ['chain', 'fanOut']) {
      for (const v of [bare[shape].perStepMs.p50, bare[shape].ratioToFloor]) expect(finite(v), JSON.stringify(bare)).toBe(true);
      expect(bare[shape].ratioToFloor).toBeCloseTo(bare[shape].perStepMs.p50 / floor[shape].perStepMs, 3);
      expect(bare[shape].ratioToBareLoop).toBeUndefined();
    }
    const ref = res.adapters.reference;
    for (const shape of ['chain', 'fanOut']) {
      const s = ref[shape];
      expect(s.ratioToBareLoop, shape).toBeCloseTo(s.perStepMs.p50 / bare[shape].perStepMs.p50, 3);
      // a step's marginal cost, (T(5) − T(1)) / 4 from one repetition, may come out below zero on a noisy machine
      for (const v of [s.perStepMs.p50, s.perStepMs.p99, s.ratioToFloor]) expect(finite(v), JSON.stringify(ref)).toBe(true);
      expect(Object.keys(s.byN)).toEqual(['5']);
      expect(s.byN['5']).toEqual(s.perStepMs);
      expect(s.ratioToFloor, shape).toBeCloseTo(s.perStepMs.p50 / floor[shape].perStepMs, 3);
    }
    for (const v of [ref.oneCallTurnMs.p50, ref.throughput.workflowsPerS, ref.throughput.stepsPerS, ref.recoveryMs.p50, ref.peakRssMb])
      expect(positive(v), JSON.stringify(ref)).toBe(true);
    expect(positive(ref.inProcess.perStepMs.p50)).toBe(true);
    expect(ref.inProcess.ratioToFloor).toBeCloseTo(ref.inProcess.perStepMs.p50 / floor.fdatasyncMs.p50, 3);
    // the agent loop on the runtime in one long-lived process: chains of the largest N after an unmeasured warm-up, measured
    // beside each of the floor's three measurements
    expect(ref.warmProcess).toMatchObject({ turns: 5, warmUpTurns: 1000, measuredTurns: 200, measurements: 3 });
    for (const q of ['p50', 'p99']) expect(positive(ref.warmProcess.perTurnMs[q]), `warmProcess.${q}`).toBe(true);
    expect(ref.warmProcess.ratioToFloor).toBeCloseTo(ref.warmProcess.perTurnMs.p50 / floor.chain.perStepMs, 3);
    // how late a 50 ms durable timer and a 50 ms hinted retry end (a timer may fire a ms early: finite, not positive)
    expect(ref.inProcess.waits.waitMs).toBe(50);
    for (const v of [
      ref.inProcess.waits.timerLateMs.p50,
      ref.inProcess.waits.timerLateMs.p99,
      ref.inProcess.waits.retryAfterLateMs.p50,
      ref.inProcess.waits.retryAfterLateMs.p99,
    ])
      expect(finite(v), JSON.stringify(ref.inProcess.waits)).toBe(true);
    expect(res.adapters.restate).toEqual({ missing: expect.stringContaining('ordeal engines install restate') });
    expect(positive(res.harness.casesPerMin)).toBe(true);
    // the harness figure says how many cases it ran how many at a time, and where the median case's time went
    expect(res.harness).toMatchObject({ jobs: 2, cases: 2 });
    for (const phase of ['worldMs', 'workerReadyMs', 'runMs', 'teardownMs', 'totalMs'])
      expect(positive(res.harness.phasesMs[phase]), phase).toBe(true);
    expect(res.harness.phasesMs.engineMs).toBeGreaterThanOrEqual(0); // the reference runtime has no engine process
    // the same result is on disk for the HTML report
    expect(JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'))).toEqual(res);

    // ... and the HTML report shows it: a chart per shape with its floor line, the table with the floor row and both shapes
    const html = await ordeal(['report', join(out, 'bench-runs'), '--format', 'html', '--bench', join(out, 'bench.json')]);
    expect(html.code, html.stderr).toBe(0);
    const section = html.stdout.slice(html.stdout.indexOf('<section class="bench">'));
    expect(section).toContain('<h2>Benchmarks</h2>');
    for (const shape of ['chain', 'fanOut']) {
      const chart = section.slice(section.indexOf(`<svg class="bench-chart bench-${shape}"`));
      expect(chart).toMatch(/^<svg [^]*?<title>bare loop \(no framework\): -?[\d.]+ ms, -?[\d.]+× the floor<\/title>[^]*?<\/svg>/);
      expect(chart).toMatch(/^<svg [^]*?<title>reference: -?[\d.]+ ms, -?[\d.]+× the floor<\/title>[^]*?<\/svg>/);
      expect(chart.slice(0, chart.indexOf('</svg>'))).toContain(`floor ${fmt(floor[shape].perStepMs, 3)} ms`);
    }
    const cells = (name: string) =>
      [...section.matchAll(new RegExp(`<tr[^>]*><td>${name.replace(/[()]/g, '\\$&')}</td>(.*?)</tr>`, 'g'))].map((m) =>
        [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]),
      );
    expect(cells('floor')[0]?.slice(0, 8)).toEqual([fmt(floor.chain.perStepMs, 3), '', '1.0', '', fmt(floor.fanOut.perStepMs, 3), '', '1.0', '']);
    const warm = floor.loopback.warmChain;
    expect(cells('warm loop (one warm process)')[0]?.slice(0, 5)).toEqual([
      fmt(warm.p50, 3),
      fmt(warm.p99, 3),
      fmt(warm.p50 / floor.chain.perStepMs, 2),
      '',
      '',
    ]);
    expect(cells('bare loop (no framework)')[0]?.slice(2, 8)).toEqual([
      fmt(bare.chain.ratioToFloor, 2),
      '1.0',
      fmt(bare.fanOut.perStepMs.p50, 3),
      fmt(bare.fanOut.perStepMs.p99, 3),
      fmt(bare.fanOut.ratioToFloor, 2),
      '1.0',
    ]);
    const row = cells('reference')[0]!;
    expect(row).toHaveLength(13);
    expect([row[2], row[3], row[6], row[7]]).toEqual(
      [ref.chain.ratioToFloor, ref.chain.ratioToBareLoop, ref.fanOut.ratioToFloor, ref.fanOut.ratioToBareLoop].map((x: number) => fmt(x, 2)),
    );
    expect(cells('reference (runtime in-process)')).toHaveLength(1);
    expect(cells('reference (one warm process)')[0]?.slice(0, 4)).toEqual([
      fmt(ref.warmProcess.perTurnMs.p50, 3),
      fmt(ref.warmProcess.perTurnMs.p99, 3),
      fmt(ref.warmProcess.ratioToFloor, 2),
      '',
    ]);
    expect(section).toContain(`fdatasync of 4 KiB p50 ${fmt(floor.fdatasyncMs.p50, 3)} ms`);
    expect(section).toContain('missing: ');
    expect(section).toMatch(
      /Harness: a case&apos;s median ms by phase: world start [\d.]+, engine start [\d.]+, worker start → ready [\d.]+, run [\d.]+/,
    );
  }, 240_000);

  it.skipIf(!engineInstalled('python').installed)(
    'weighs an adapter whose workers are Python against the same loop by hand in Python, and says so',
    async () => {
      const out = tempDir();
      const r = await ordeal(['bench', '--adapter', 'reference,langgraph-py', '--steps', '1,3', '--quick', '--out', out], {
        env: { ORDEAL_BENCH_KEEP_RUNS: '1' },
      });
      expect(r.code, r.stderr).toBe(0);
      const res = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as Record<string, any>;
      expect(res.floor.measurements).toBe(4); // before each bare loop and each adapter
      const py = res.bareLoopPython;
      const [node, lg, ref] = [res.bareLoop, res.adapters['langgraph-py'], res.adapters.reference];
      expect(lg.bareLoop).toBe('python');
      expect(ref.bareLoop).toBeUndefined();
      for (const shape of ['chain', 'fanOut']) {
        for (const v of [py[shape].perStepMs.p50, py[shape].ratioToFloor]) expect(finite(v), JSON.stringify(py)).toBe(true);
        expect(py[shape].ratioToFloor).toBeCloseTo(py[shape].perStepMs.p50 / res.floor[shape].perStepMs, 3);
        expect(lg[shape].ratioToBareLoop, shape).toBeCloseTo(lg[shape].perStepMs.p50 / py[shape].perStepMs.p50, 3);
        expect(ref[shape].ratioToBareLoop, shape).toBeCloseTo(ref[shape].perStepMs.p50 / node[shape].perStepMs.p50, 3);
      }
      // the table: the Python loop's row under the Node one, and a note saying which adapters it weighs
      expect(r.stdout).toMatch(/^bare loop in Python \(no framework\) +-?[\d.]+ /m);
      expect(r.stdout).toContain("those adapters' × bare loop (langgraph-py) is against it");
      // and the HTML report draws it beside the Node one, as a bare loop
      const html = await ordeal(['report', join(out, 'bench-runs'), '--format', 'html', '--bench', join(out, 'bench.json')]);
      expect(html.code, html.stderr).toBe(0);
      expect(html.stdout).toMatch(/<title>bare loop in Python \(no framework\): -?[\d.]+ ms, -?[\d.]+× the floor<\/title>/);
      expect(html.stdout).toMatch(/<tr class="bare-loop"><td>bare loop in Python \(no framework\)<\/td>/);
    },
    600_000,
  );

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
