import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { standardSchedules } from '../../harness/faults/index.js';
import { scheduleLabel } from '../../harness/run/summary.js';
import { resolveScenario } from '../../harness/scenario/index.js';
import { ordeal, root, tempDir } from '../helpers/cli.js';
import { refundEntries } from '../helpers/run-folder.js';

interface Json {
  valid: boolean;
  cases: {
    scenario: string;
    valid: boolean;
    runDir: string;
    replay: string;
    faultsFired: number;
    checks: Record<string, { valid: boolean; anomalies: { kind: string; witnesses: { ledger?: number[] } }[] }>;
  }[];
}

describe('ordeal run on the reference runtime', () => {
  it('shows the duplicated refund when the worker dies after the effect and tools send no idempotency key', async () => {
    const out = tempDir();
    const r = await ordeal([
      'run',
      '--scenario',
      'refund-agent',
      '--fault',
      'kill-worker@after-effect:1',
      '--idempotency',
      'none',
      '--json',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(1);
    const res = JSON.parse(r.stdout) as Json;
    const c = res.cases[0]!;
    expect(c.valid).toBe(false);
    const dup = c.checks['exactly-once-effects']!.anomalies.find((a) => a.kind === 'duplicate');
    expect(dup).toBeDefined();
    const refunds = refundEntries(c.runDir);
    expect(refunds.map((e) => e.outcome)).toEqual(['applied', 'applied']);
    expect(dup!.witnesses.ledger).toEqual(refunds.map((e) => e.seq));
    expect(c.replay).toContain('ordeal replay');
  });

  it('applies the refund once and deduplicates the retry with framework idempotency', async () => {
    const out = tempDir();
    const r = await ordeal([
      'run',
      '--scenario',
      'refund-agent',
      '--fault',
      'kill-worker@after-effect:1',
      '--idempotency',
      'framework',
      '--json',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const c = (JSON.parse(r.stdout) as Json).cases[0]!;
    const refunds = refundEntries(c.runDir);
    expect(refunds.map((e) => e.outcome)).toEqual(['applied', 'deduplicated']);
    expect(refunds[0]!.key).toBe(refunds[1]!.key);
    const history = readFileSync(join(c.runDir, 'history.jsonl'), 'utf8');
    expect(history).toContain('"signal":"SIGKILL"');
    expect(existsSync(join(c.runDir, 'verdict.json'))).toBe(true);
  });

  it("says so when the run never reached a fault's trigger, instead of passing silently", async () => {
    const out = tempDir();
    const table = await ordeal(['run', '--scenario', 'refund-agent', '--fault', 'kill-worker@step:99', '--out', out]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('1 of 1 fault never fired: the run did not reach its trigger');
    const json = await ordeal(['run', '--scenario', 'refund-agent', '--fault', 'kill-worker@step:99', '--json', '--out', out]);
    expect((JSON.parse(json.stdout) as Json).cases[0]!.faultsFired).toBe(0);
    const fired = await ordeal(['run', '--scenario', 'refund-agent', '--fault', 'kill-worker@step:2', '--out', out]);
    expect(fired.stdout).not.toContain('never fired');
  });

  it('runs the embedded default with no flags: every scenario, the standard kill points, a verdict table, exit 0', async () => {
    const out = tempDir();
    const r = await ordeal(['run', '--out', out]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // one table row for each scenario in scenarios/ under each of its standard kill points (and the calm baseline), no other
    const rows = r.stdout
      .split('\n')
      .map((line) => line.split(/ {2,}/))
      .filter((cells) => cells[1] === 'reference')
      .map(([scenario, , , fault]) => `${scenario} ${fault}`);
    const scenarios = readdirSync(join(root, 'scenarios'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
    expect(scenarios.length).toBeGreaterThan(0);
    const expected = scenarios.flatMap((s) => standardSchedules(resolveScenario(s), false).map((schedule) => `${s} ${scheduleLabel(schedule)}`));
    expect(rows.sort()).toEqual(expected.sort());
    expect(r.stdout).toContain('kill-worker@after-effect:1');
    expect(r.stdout).toContain('kill-worker@approval:waiting');
    expect(r.stdout).toMatch(/All \d+ cases valid/);
  }, 900_000);

  it('replays a run folder with the same schedule and the same verdict', async () => {
    const out = tempDir();
    const first = JSON.parse(
      (await ordeal(['run', '--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'none', '--json', '--out', out]))
        .stdout,
    ) as Json;
    const r = await ordeal(['replay', first.cases[0]!.runDir, '--json', '--out', out]);
    expect(r.code).toBe(1);
    const again = (JSON.parse(r.stdout) as Json).cases[0]!;
    expect(again.runDir).not.toBe(first.cases[0]!.runDir);
    expect(again.checks['exactly-once-effects']!.anomalies[0]!.kind).toBe('duplicate');
  });
});

describe('bad input exits 2 and says what was expected', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown adapter', ['run', '--adapter', 'nope'], /unknown adapter 'nope': expected one of reference/],
    ['unknown scenario', ['run', '--scenario', 'nope'], /unknown scenario 'nope': expected one of .*coding-agent/],
    ['unknown fault', ['run', '--fault', 'melt-cpu@step:1'], /unknown fault 'melt-cpu': expected one of kill-worker/],
    ['bad trigger', ['run', '--fault', 'kill-worker@nowhere:x'], /trigger 'nowhere:x' is not a trigger: expected before-effect:N/],
    ['fault without trigger', ['run', '--fault', 'kill-worker'], /expected FAULT@TRIGGER/],
    ['bad idempotency', ['run', '--idempotency', 'maybe'], /idempotency.*Choices: "framework", "none"/s],
    ['unknown flag', ['run', '--colour'], /Unknown argument: colour/],
    ['bad adapter option', ['run', '--scenario', 'refund-agent', '--opt', 'synchronous=SOMETIMES'], /synchronous=SOMETIMES: expected FULL or NORMAL/],
    [
      'unknown adapter option',
      ['run', '--scenario', 'refund-agent', '--opt', 'colour=red'],
      /--opt colour: not an option of the reference adapter; expected one of synchronous, pollMs, toolCalls/,
    ],
    [
      'bad shared option',
      ['check', '--scenario', 'refund-agent', '--opt', 'toolCalls=parallel'],
      /--opt toolCalls=parallel: expected concurrent or sequential/,
    ],
    [
      'adapter flag without its adapter',
      ['run', '--scenario', 'refund-agent', '--langgraph-store', 'postgres'],
      /--langgraph-store is an option of the langgraph adapter; add --adapter langgraph/,
    ],
    ['not a run folder', ['replay', '/tmp'], /not a run folder/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await ordeal([...args, '--out', tempDir()]);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
    });
  }

  it('an unknown ORDEAL_SPAN_EXPORT is refused before any case runs', async () => {
    const out = tempDir();
    const r = await ordeal(['run', '--scenario', 'refund-agent', '--out', out], { env: { ORDEAL_SPAN_EXPORT: 'sometimes' } });
    expect(r.stderr).toContain("ORDEAL_SPAN_EXPORT='sometimes': expected one of simple, batch, off");
    expect(r.code).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a bad adapter option is refused before any case runs', async () => {
    const out = tempDir();
    const r = await ordeal(['run', '--adapter', 'temporal', '--scenario', 'refund-agent', '--opt', 'heartbeatMs=90000', '--out', out]);
    expect(r.stderr).toContain('--opt heartbeatMs=90000: must be below startToCloseMs=60000 to matter [ORD-110]');
    expect(r.code).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });

  it('ordeal list shows each adapter with its options, as the schema declares them', async () => {
    const json = JSON.parse((await ordeal(['list', '--json'])).stdout) as {
      adapters: Record<
        string,
        {
          hasEngine: boolean;
          options: Record<string, { type: string; default?: unknown; choices?: string[] }>;
          deploy?: { changes: string[]; blueGreen?: string };
        }
      >;
    };
    for (const a of ['reference', 'langgraph', 'restate', 'temporal', 'dapr'])
      expect(json.adapters[a]!.options.toolCalls, a).toMatchObject({ type: 'choice', default: 'concurrent', choices: ['concurrent', 'sequential'] });
    expect(json.adapters.temporal!.options.heartbeatMs).toMatchObject({ type: 'integer', default: 10_000, min: 0 });
    expect(json.adapters.dapr).toMatchObject({ hasEngine: true, options: { mode: { choices: ['durabletask', 'daprd'] } } });
    const text = (await ordeal(['list'])).stdout;
    expect(text).toMatch(/--opt synchronous=FULL\|NORMAL +SQLite's synchronous mode/);
    expect(text).toMatch(/--opt store=sqlite\|postgres, --langgraph-store +the checkpointer/);
    // how each adapter ships version 2 for the deploy fault, and its versioning tool
    expect(json.adapters['dapr-agents']).toMatchObject({ deploy: { changes: ['extra-step', 'changed-arg', 'system-prompt'] } });
    expect(text).toMatch(/deploy: extra-step, rename-tool, changed-arg, system-prompt — .*; --opt versioning=on: Temporal's patching API/);
    expect(text).toMatch(/deploy: extra-step, rename-tool, changed-arg, system-prompt — .*; --opt versioning=on: none \(no versioning tool\)/);
    // and whether it can deploy version 2 beside version 1
    expect(json.adapters.restate!.deploy).toMatchObject({ blueGreen: expect.stringMatching(/new deployment beside version 1's/) });
    expect(json.adapters.langgraph!.deploy!.blueGreen).toBeUndefined();
    expect(text).toMatch(/; rollout=blue-green: version 2's process beside version 1's/);
    expect(text).toMatch(/; rollout=blue-green: not declared/);
  });

  it('a malformed scenario file names the file, the field and the expectation', async () => {
    const dir = tempDir();
    const file = join(dir, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'broken',
        description: 'x',
        task: 't',
        cassette: [{ calls: [{ tool: 'refund', args: {} }] }, { final: 'done' }],
        expect: { effects: [] },
      }),
    );
    const r = await ordeal(['run', '--scenario', file, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: field 'cassette[0].calls[0].effect' must name the logical effect`);
  });

  it('a scenario file that is not JSON names the line', async () => {
    const dir = tempDir();
    const file = join(dir, 'typo.json');
    writeFileSync(file, '{\n  "name": "typo",\n  "task": oops\n}\n');
    const r = await ordeal(['run', '--scenario', file, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/typo\.json: not valid JSON at line 3/);
  });
});
