import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';

const minutes = (n: number) => n * 60_000;
const ledger = (dir: string) =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { effect: string; outcome: string });

describe('ordeal check on the reference runtime', () => {
  it('finds the duplicated refund, shrinks it to one fault, and the printed command replays it', { timeout: minutes(10) }, async () => {
    const out = tempDir();
    const r = await ordeal([
      'check',
      '--adapter',
      'reference',
      '--scenario',
      'refund-agent',
      '--idempotency',
      'none',
      '--runs',
      '30',
      '--seed',
      '42',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/INVALID {2}kill-worker@after-effect:[12]\n/);
    expect(r.stdout).toMatch(/anomaly: +exactly-once-effects: .* was applied 2 times/);
    const replay = /replay: +(ordeal replay .*)$/m.exec(r.stdout)?.[1];
    expect(replay).toMatch(
      /^ordeal replay --seed 42 --path [0-9:]+ --adapter reference --scenario refund-agent --faults kill-worker --idempotency none$/,
    );
    // only the minimal failing case is kept, and it is the evidence of the duplicate
    const kept = readdirSync(out);
    expect(kept).toHaveLength(1);
    expect(ledger(join(out, kept[0]!)).filter((e) => e.outcome === 'applied').length).toBe(3);

    const again = tempDir();
    const rr = await ordeal(replay!.split(' ').slice(1), { cwd: again });
    expect(rr.code, rr.stderr).toBe(1);
    expect(rr.stdout).toContain(/anomaly: +(.*)$/m.exec(r.stdout)![1]!);
    const replayed = readdirSync(join(again, 'runs'));
    expect(replayed).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(again, 'runs', replayed[0]!, 'schedule.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(out, kept[0]!, 'schedule.json'), 'utf8')),
    );
  });

  // 12 runs rather than 30: each real case takes 1–8 s depending on the machine's load; the property is the same
  it('passes every case with framework idempotency and keeps no run folders', { timeout: minutes(10) }, async () => {
    const out = tempDir();
    const r = await ordeal([
      'check',
      '--scenario',
      'refund-agent',
      '--idempotency',
      'framework',
      '--runs',
      '12',
      '--seed',
      '42',
      '--json',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ valid: true, runs: 12, seed: 42, failure: null });
    expect(readdirSync(out)).toHaveLength(0);
  });

  it('draws human edits: finds the agent that acts on the asked quantity instead of the approved one', { timeout: minutes(10) }, async () => {
    const out = tempDir();
    const r = await ordeal(['check', '--scenario', 'approval-drift', '--faults', 'human-edit', '--runs', '5', '--seed', '3', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const res = JSON.parse(r.stdout) as {
      valid: boolean;
      failure: { schedule: { fault: string; field: string; value: unknown }[]; anomaly: string };
    };
    expect(res.valid).toBe(false);
    expect(res.failure.schedule).toEqual([expect.objectContaining({ fault: 'human-edit', at: 'approval:waiting', field: 'quantity' })]);
    expect(res.failure.anomaly).toMatch(/approval-integrity: charge:acme-widgets was applied with quantity = 5 instead of the approved \d/);
  });

  it('maps every single-fault crash point of coding-agent to its verdict', { timeout: minutes(10) }, async () => {
    const out = tempDir();
    const r = await ordeal(['check', '--exhaustive', '--scenario', 'coding-agent', '--idempotency', 'none', '--seed', '7', '--json', '--out', out]);
    const res = JSON.parse(r.stdout) as {
      valid: boolean;
      points: { schedule: { fault: string; at: string }[]; valid: boolean | string; runDir: string; anomaly: string | null }[];
    };
    const byPoint = new Map(res.points.map((p) => [`${p.schedule[0]!.fault}@${p.schedule[0]!.at}`, p]));
    // 2 effects × (before, after) + 6 model calls + 11 steps + 2 shell commands + approval
    expect(res.points).toHaveLength(24);
    expect(byPoint.size).toBe(24);
    for (const p of res.points) expect(existsSync(join(p.runDir, 'verdict.json'))).toBe(true);
    // without idempotency keys a kill after an applied effect duplicates it; a kill before it does not
    expect(byPoint.get('kill-worker@after-effect:1')).toMatchObject({
      valid: false,
      anomaly: expect.stringMatching(/pr:fix-add was applied 2 times/),
    });
    expect(byPoint.get('kill-worker@before-effect:1')).toMatchObject({ valid: true, anomaly: null });
    expect(res.valid).toBe(false);
    expect(r.code).toBe(1);
  });
});
