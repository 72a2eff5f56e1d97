import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';
import { resolveScenario } from '../../harness/scenario/index.js';

/** refund-agent as a team would write it without hand-written expectations: no `expect`. */
function withoutExpect(dir: string): string {
  const { expect: _expect, file: _file, ...rest } = resolveScenario('refund-agent');
  const file = join(dir, 'refund-no-expect.json');
  writeFileSync(file, JSON.stringify({ ...rest, name: 'refund-no-expect' }));
  return file;
}

describe('a scenario without expect is judged against its calm run', () => {
  it('catches the duplicate refund under --idempotency none, and passes with framework keys, against the same calm run', async () => {
    const dir = tempDir('ordeal-calm-');
    const scenario = withoutExpect(dir);
    const out = join(dir, 'runs');
    const none = await ordeal([
      'run',
      '--scenario',
      scenario,
      '--fault',
      'kill-worker@after-effect:1',
      '--idempotency',
      'none',
      '--out',
      out,
      '--json',
    ]);
    expect(none.code, none.stderr).toBe(1);
    const bad = JSON.parse(none.stdout).cases[0];
    expect(bad.checks['exactly-once-effects'].anomalies[0].message).toMatch(/^refund:order-1042 was applied 2 times \(expected once\)/);
    expect(bad.calmRun).toMatch(/refund-no-expect-reference/);
    // the faulted case's folder holds the expectation it was judged against, and names the calm run
    const faulted = JSON.parse(readFileSync(join(bad.runDir, 'scenario.json'), 'utf8'));
    expect(faulted).toMatchObject({ expectFrom: 'calm-run', calmRun: bad.calmRun });
    expect(faulted.expect.effects).toEqual([
      { id: 'refund:order-1042', type: 'refund' },
      { id: 'email:refund-1042', type: 'send_email' },
    ]);
    expect(faulted.expect.answer).toBe('Refunded 42.50 EUR for order 1042 and emailed ana@example.com.');
    // the calm run is a fault-free run of the same scenario on the same adapter, judged valid against itself
    const calm = JSON.parse(readFileSync(join(bad.calmRun, 'run.json'), 'utf8'));
    expect(calm).toMatchObject({ scenario: 'refund-no-expect', adapter: 'reference', schedule: [] });
    expect(JSON.parse(readFileSync(join(bad.calmRun, 'verdict.json'), 'utf8')).valid).toBe(true);

    // a replay judges against the expectation its folder holds: the same verdict, and no new calm run
    const replay = await ordeal(['replay', bad.runDir, '--out', out, '--json']);
    expect(replay.code, replay.stderr).toBe(1);
    const again = JSON.parse(replay.stdout).cases[0];
    expect(again.checks['exactly-once-effects'].anomalies[0].message).toMatch(/^refund:order-1042 was applied 2 times/);
    expect(again.calmRun).toBe(bad.calmRun);

    const text = await ordeal(['run', '--scenario', scenario, '--fault', 'kill-worker@after-effect:1', '--idempotency', 'framework', '--out', out]);
    expect(text.code, text.stderr + text.stdout).toBe(0);
    expect(text.stdout).toMatch(
      /refund-no-expect on reference \(idempotency framework\): no expect in the scenario; judged against its calm run .*refund-no-expect-reference/,
    );
  });

  it('in a gate: the calm run is made once and reused by every faulted case, and the report says the expectation came from it', async () => {
    const dir = tempDir('ordeal-calm-gate-');
    const scenario = withoutExpect(dir);
    const config = join(dir, 'ordeal.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        adapters: ['reference'],
        scenarios: [scenario],
        schedules: ['kill-worker@after-effect:1', 'kill-worker@after-effect:2', 'kill-worker@llm-call:2'],
        idempotency: ['none'],
        require: ['exactly-once-effects'],
      }),
    );
    const r = await ordeal(['gate', '--config', config, '--out', join(dir, 'report')]);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stdout).toMatch(/refund:order-1042 was applied 2 times/);
    const dirs = readdirSync(join(dir, 'report', 'runs'));
    // three faulted cases and one calm run
    expect(dirs).toHaveLength(4);
    const calmRuns = new Set(dirs.map((d) => JSON.parse(readFileSync(join(dir, 'report', 'runs', d, 'scenario.json'), 'utf8')).calmRun as string));
    expect(calmRuns.size).toBe(1);
    const md = readFileSync(join(dir, 'report', 'report.md'), 'utf8');
    expect(md).toMatch(/### Expectations from calm runs/);
    expect(md).toMatch(
      /refund-no-expect on reference \(idempotency none\): the scenario has no expect; the expectation \(effects, final workspace, answer\) came from its calm run/,
    );
  });
});
