// `--jobs N`: cases side by side give the verdicts, the order and the report that one at a time gives.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';

interface JsonCase {
  scenario: string;
  schedule: unknown;
  valid: boolean | 'unknown';
  runDir: string;
  checks: Record<string, { valid: boolean | 'unknown'; anomalies: { kind: string }[] }>;
}

/** What a user compares between two runs: each case's scenario, schedule, verdict and every checker's verdict and anomaly kinds. */
const verdicts = (cases: JsonCase[]) =>
  cases.map((c) => ({
    scenario: c.scenario,
    schedule: c.schedule,
    valid: c.valid,
    checks: Object.fromEntries(Object.entries(c.checks).map(([k, v]) => [k, { valid: v.valid, kinds: v.anomalies.map((a) => a.kind).sort() }])),
  }));

describe('ordeal run --jobs', () => {
  it('--jobs 2 gives the same cases, in the same order, with the same verdicts as --jobs 1 (idempotency none: some cases INVALID)', async () => {
    const args = ['run', '--scenario', 'refund-agent', '--scenario', 'coding-agent', '--idempotency', 'none', '--seed', '11'];
    const one = await ordeal([...args, '--jobs', '1', '--json', '--out', tempDir()]);
    const two = await ordeal([...args, '--jobs', '2', '--json', '--out', tempDir()]);
    expect(one.code, one.stderr).toBe(1);
    expect(two.code, two.stderr).toBe(1);
    const a = JSON.parse(one.stdout) as { valid: boolean; seed: number; cases: JsonCase[] };
    const b = JSON.parse(two.stdout) as { valid: boolean; seed: number; cases: JsonCase[] };
    expect(a.cases.length).toBeGreaterThan(6);
    expect(a.cases.some((c) => c.valid === false)).toBe(true);
    expect(verdicts(b.cases)).toEqual(verdicts(a.cases));
    expect([b.valid, b.seed]).toEqual([a.valid, a.seed]);
    // each case its own run folder, holding that case's schedule and its verdict
    expect(new Set(b.cases.map((c) => c.runDir)).size).toBe(b.cases.length);
    for (const c of b.cases) {
      expect(JSON.parse(readFileSync(join(c.runDir, 'run.json'), 'utf8')).schedule).toEqual(c.schedule);
      expect(existsSync(join(c.runDir, 'verdict.json'))).toBe(true);
    }
  }, 600_000);

  it('prints the per-case lines and the table in the matrix order, and rejects a bad --jobs with exit 2', async () => {
    const out = tempDir();
    const r = await ordeal(['run', '--scenario', 'refund-agent', '--jobs', '3', '--seed', '5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => /^\[\d+\/\d+\]/.test(l));
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.map((l) => Number(/^\[(\d+)\//.exec(l)![1]))).toEqual(lines.map((_, i) => i + 1));
    expect(lines[0]).toContain('(no fault)');
    const table = r.stdout.split('\n').filter((l) => l.startsWith('refund-agent'));
    expect(table.map((l) => l.split(/\s{2,}/)[3])).toEqual(lines.map((l) => /refund-agent (.*) → /.exec(l)![1]));

    const bad = await ordeal(['run', '--jobs', '0', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--jobs 0: expected an integer from 1 to 64');
    expect(bad.stderr).toContain('[ORD-190]');
  }, 600_000);
});
