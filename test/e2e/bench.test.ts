import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';

const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;

describe('ordeal bench', () => {
  it('measures the reference runtime beside the disk floor and says why an adapter without its engine is missing', async () => {
    const out = tempDir();
    const noEngines = tempDir('ordeal-no-engines-');
    const r = await ordeal(['bench', '--adapter', 'reference,restate', '--steps', '1,5', '--quick', '--json', '--out', out], { env: { ORDEAL_ENGINES_DIR: noEngines } });
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as Record<string, any>;
    expect(Object.keys(res).sort()).toEqual(['adapters', 'floor', 'harness', 'machine']);
    expect(res.machine.cpus).toBeGreaterThan(0);
    for (const probe of ['fdatasyncMs', 'sqliteFullInsertMs']) for (const q of ['p50', 'p99']) expect(positive(res.floor[probe][q]), `${probe}.${q}`).toBe(true);
    const ref = res.adapters.reference;
    for (const v of [ref.perStepMs.p50, ref.perStepMs.p99, ref.ratioToFloor, ref.throughput.workflowsPerS, ref.throughput.stepsPerS, ref.recoveryMs.p50, ref.peakRssMb])
      expect(positive(v), JSON.stringify(ref)).toBe(true);
    expect(positive(ref.inProcess.perStepMs.p50)).toBe(true);
    expect(res.adapters.restate).toEqual({ missing: expect.stringContaining('ordeal engines install restate') });
    expect(positive(res.harness.casesPerMin)).toBe(true);
    // the same result is on disk for the HTML report
    expect(JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'))).toEqual(res);
  }, 240_000);

  it('rejects a malformed --steps with exit 2 naming the flag', async () => {
    const r = await ordeal(['bench', '--steps', '1,x', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--steps 1,x');
  });
});
