import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, root, tempDir } from '../helpers/cli.js';
import { parseXml } from '../helpers/xml.js';

const config = (value: unknown, name = 'ordeal.config.json') => {
  const file = join(tempDir('ordeal-gate-'), name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

describe('ordeal gate', () => {
  it('passes (exit 0) with the example config on the reference runtime with framework idempotency, writing HTML, Markdown and JUnit', async () => {
    const out = tempDir();
    const summary = join(out, 'step-summary.md');
    const r = await ordeal(['gate', '--config', join(root, 'ordeal.config.json'), '--out', out], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/ordeal gate: PASSED — 2 case\(s\)/);
    expect(r.stderr).toMatch(/\[2\/2\] reference · refund-agent · kill-worker@llm-call:2 · framework → valid/);
    for (const f of ['report.html', 'report.md', 'junit.xml']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(parseXml(readFileSync(join(out, 'junit.xml'), 'utf8')).attrs).toMatchObject({ tests: '2', failures: '0' });
    expect(readFileSync(summary, 'utf8')).toMatch(/\*\*Gate passed\*\*/);
  });

  it('fails (exit 1) when exactly-once is required under --idempotency none with kill-worker@after-effect:1, naming the violation and its replay', async () => {
    const out = tempDir();
    const summary = join(out, 'step-summary.md');
    const file = config({
      adapters: ['reference'],
      scenarios: ['refund-agent'],
      schedules: ['kill-worker@after-effect:1'],
      idempotency: ['framework', 'none'],
      require: ['exactly-once-effects'],
    });
    const r = await ordeal(['gate', '--config', file, '--out', out], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code, r.stderr + r.stdout).toBe(1);
    // the case with framework keys held: one of the two cases failed
    expect(r.stdout).toMatch(/FAILED — 1 violation\(s\) in 1 of 2 case\(s\)/);
    expect(r.stdout).toMatch(/required guarantee exactly-once-effects violated: refund:order-1042 was applied 2 times/);
    expect(r.stdout).toMatch(/replay: ordeal replay .*refund-agent-reference/);
    expect(readFileSync(summary, 'utf8')).toMatch(/\*\*Gate failed\*\*: 1 violation/);
    const junit = parseXml(readFileSync(join(out, 'junit.xml'), 'utf8'));
    expect(junit.attrs).toMatchObject({ tests: '2', failures: '1' });
  });

  it("waits for each adapter's own case timeout (its caseTimeoutMs) unless the config sets timeoutMs, and records it in run.json", async () => {
    const dir = tempDir('ordeal-gate-');
    const base = JSON.stringify(join(root, 'examples/custom-adapter/adapter.mjs'));
    // a run that never reports an outcome: the case lasts exactly as long as the harness waits
    const mod = join(dir, 'never-done.mjs');
    writeFileSync(
      mod,
      `import base from ${base};\nexport default { ...base, name: 'never-done', caseTimeoutMs: 1500, outcome: async () => ({ status: 'running' }) };\n`,
    );
    const out = tempDir();
    const r = await ordeal([
      'gate',
      '--config',
      config({ adapters: [{ module: mod }], scenarios: ['refund-agent'], schedules: ['none'] }),
      '--out',
      out,
    ]);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stdout).toMatch(/The run had not finished when the harness stopped waiting after 1500 ms/);
    const [run] = readdirSync(join(out, 'runs'));
    expect(JSON.parse(readFileSync(join(out, 'runs', run!, 'run.json'), 'utf8'))).toMatchObject({ adapter: 'never-done', timeoutMs: 1500 });
    // the config's timeoutMs wins over the adapter's
    const out2 = tempDir();
    const set = await ordeal([
      'gate',
      '--config',
      config({ adapters: [{ module: mod }], scenarios: ['refund-agent'], schedules: ['none'], timeoutMs: 2000 }),
      '--out',
      out2,
    ]);
    expect(set.stdout).toMatch(/stopped waiting after 2000 ms/);
    // a caseTimeoutMs that is not a number of milliseconds is the module's error, named
    const bad = join(dir, 'bad-timeout.mjs');
    writeFileSync(bad, `import base from ${base};\nexport default { ...base, name: 'bad-timeout', caseTimeoutMs: '2m' };\n`);
    const refused = await ordeal(['gate', '--config', config({ adapters: [{ module: bad }], scenarios: ['refund-agent'] }), '--out', tempDir()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the adapter's 'caseTimeoutMs' must be an integer number of milliseconds from 1000 to 2147483647, got "2m"/);
  });

  it('a malformed config exits 2 naming the field, for .json and for a .ts config', async () => {
    const json = await ordeal([
      'gate',
      '--config',
      config({ adapters: ['reference'], scenarios: ['refund-agent'], thresholds: { maxRecoveryMs: 'fast' } }),
    ]);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/field 'thresholds\.maxRecoveryMs' must be a number/);
    const ts = `type Idem = 'framework' | 'none' | 'sometimes';\nconst idempotency: Idem[] = ['sometimes'];\nexport default { adapters: ['reference'], scenarios: ['refund-agent'], idempotency };\n`;
    const r = await ordeal(['gate', '--config', config(ts, 'ordeal.config.ts')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ordeal\.config\.ts: field 'idempotency\[0\]' must be "framework" or "none" \(got 'sometimes'\)/);
    const adapter = await ordeal(['gate', '--config', config({ adapters: ['nosuch'], scenarios: ['refund-agent'] })]);
    expect(adapter.code).toBe(2);
    expect(adapter.stderr).toMatch(/field 'adapters\[0\]': unknown adapter 'nosuch'/);
    // a .ts config that does not parse is refused where it breaks, not judged as an empty config
    const broken = await ordeal(['gate', '--config', config('export default {{{ : ;\n', 'ordeal.config.ts')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/ordeal\.config\.ts: could not load the config module \(line 1, column \d+: .+\) \[ORD-241\]/);
    // a check.faults entry that names no fault: the file and the field
    const faults = await ordeal([
      'gate',
      '--config',
      config({ adapters: ['reference'], scenarios: ['refund-agent'], check: { exhaustive: true, faults: ['kill-wroker'] } }),
    ]);
    expect(faults.code).toBe(2);
    expect(faults.stderr).toMatch(/ordeal\.config\.json: field 'check\.faults': .*kill-wroker/);
    // a fault parameter naming a resource the scenario does not have would change nothing the agent reads
    const drift = await ordeal([
      'gate',
      '--config',
      config({ adapters: ['reference'], scenarios: ['refund-agent'], schedules: ['state-drift@step:2,resource=nope'] }),
    ]);
    expect(drift.code).toBe(2);
    expect(drift.stderr).toMatch(/field 'schedules': .*resource 'nope', which scenario 'refund-agent' does not have: expected one of order\/1042/);
  });

  it("checks each adapter's options before any case runs: a built-in's schema, and a user module's own schema", async () => {
    const out = tempDir();
    const builtin = await ordeal([
      'gate',
      '--config',
      config({ adapters: [{ name: 'langgraph', options: { durability: 'never' } }], scenarios: ['refund-agent'] }),
      '--out',
      out,
    ]);
    expect(builtin.code).toBe(2);
    expect(builtin.stderr).toMatch(/field 'adapters\[0\]\.options': --opt durability=never: expected one of sync, async, exit \[ORD-110\]/);
    // the example adapter, with a schema of its own
    const mod = join(tempDir('ordeal-gate-'), 'typed-adapter.mjs');
    writeFileSync(
      mod,
      `import base from ${JSON.stringify(join(root, 'examples/custom-adapter/adapter.mjs'))};\nexport default { ...base, name: 'typed', options: { depth: { type: 'integer', min: 5, description: 'how deep' } } };\n`,
    );
    const typed = await ordeal([
      'gate',
      '--config',
      config({ adapters: [{ module: mod, options: { depth: '3' } }], scenarios: ['refund-agent'] }),
      '--out',
      out,
    ]);
    expect(typed.code).toBe(2);
    expect(typed.stderr).toMatch(/field 'adapters\[0\]\.options': --opt depth=3: expected an integer ≥ 5/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("takes a user module's durable state: state kept outside the case refuses machine faults (exit 2), a malformed one names the field", async () => {
    const dir = tempDir('ordeal-gate-');
    const base = JSON.stringify(join(root, 'examples/custom-adapter/adapter.mjs'));
    const outside = join(dir, 'outside.mjs');
    writeFileSync(
      outside,
      `import base from ${base};\nexport default { ...base, name: 'team-db', durableState: { paths: [], outside: "the team's PostgreSQL on db.internal" } };\n`,
    );
    const refused = await ordeal([
      'gate',
      '--config',
      config({ adapters: [{ module: outside }], scenarios: ['refund-agent'], schedules: ['power-loss@step:3'] }),
      '--out',
      tempDir(),
    ]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/fault power-loss is not supported by adapter 'team-db'.*the team's PostgreSQL on db\.internal/);
    const bad = join(dir, 'bad.mjs');
    writeFileSync(bad, `import base from ${base};\nexport default { ...base, name: 'bad-state', durableState: { paths: ['../up'] } };\n`);
    const malformed = await ordeal(['gate', '--config', config({ adapters: [{ module: bad }], scenarios: ['refund-agent'] }), '--out', tempDir()]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/the adapter's 'durableState' must be \{paths: \[relative paths under the case's data directory\]/);
  });

  it("gates a team's own agent: the Python worker of examples/custom-adapter passes kill-worker@after-effect:1 through its own journal", async () => {
    const out = tempDir();
    const r = await ordeal(['gate', '--config', join(root, 'examples/custom-adapter/ordeal.config.json'), '--out', out]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toMatch(/python-journal · refund-agent · kill-worker@after-effect:1 · framework → valid/);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('| scenario | fault | idempotency | python-journal |');
    // the restarted worker's refund was deduplicated by the key from its journal, not applied again
    const [dir] = readdirSync(join(out, 'runs'));
    const ledger = readFileSync(join(out, 'runs', dir!, 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { effect: string; outcome: string });
    expect(ledger.map((e) => `${e.effect} ${e.outcome}`)).toEqual([
      'refund:order-1042 applied',
      'refund:order-1042 deduplicated',
      'email:refund-1042 applied',
    ]);
  });

  /** A team's adapter module under machine faults: refund-agent, the examples' own gate requirements, framework keys. */
  const machineGate = (module: string) =>
    config({
      adapters: [{ module }],
      scenarios: ['refund-agent'],
      schedules: ['power-loss@step:7', 'power-loss@after-effect:1,torn=true', 'disk-full@before-effect:1', 'fsync-error@step:5'],
      idempotency: ['framework'],
      require: ['exactly-once-effects', 'completion', 'approval-integrity'],
    });

  it('the Python example survives the machine faults: its inbox files are fsynced, a torn journal line is cut off, a full disk waited out', async () => {
    const r = await ordeal(['gate', '--config', machineGate(join(root, 'examples/custom-adapter/adapter.mjs')), '--out', tempDir(), '--jobs', '2']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr.match(/python-journal · refund-agent · \S+ · framework → valid/g)).toHaveLength(4);
  });

  it("gates a team's own agent in Go: examples/go-worker passes its gate and the machine faults, and without keys refunds twice", async () => {
    const r = await ordeal(['gate', '--config', join(root, 'examples/go-worker/ordeal.config.json'), '--out', tempDir()]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toMatch(/go-journal · refund-agent · kill-worker@after-effect:1 · framework → valid/);
    const machine = await ordeal(['gate', '--config', machineGate(join(root, 'examples/go-worker/adapter.mjs')), '--out', tempDir(), '--jobs', '2']);
    expect(machine.code, machine.stderr + machine.stdout).toBe(0);
    expect(machine.stderr.match(/go-journal · refund-agent · \S+ · framework → valid/g)).toHaveLength(4);
    // what makes it pass is its journal and the keys it sends: without them the restarted worker refunds again
    const none = await ordeal([
      'gate',
      '--config',
      config({
        adapters: [{ module: join(root, 'examples/go-worker/adapter.mjs') }],
        scenarios: ['refund-agent'],
        schedules: ['kill-worker@after-effect:1'],
        idempotency: ['none'],
        require: ['exactly-once-effects'],
      }),
      '--out',
      tempDir(),
    ]);
    expect(none.code, none.stderr + none.stdout).toBe(1);
    expect(none.stdout).toMatch(/refund:order-1042 was applied 2 times/);
    // a second replica of the worker waits for the first one's lock: even without keys nothing is done twice
    const replica = await ordeal([
      'gate',
      '--config',
      config({
        adapters: [{ module: join(root, 'examples/go-worker/adapter.mjs') }],
        scenarios: ['refund-agent'],
        schedules: ['extra-worker@step:1', 'extra-worker@step:2'],
        idempotency: ['none'],
        require: ['exactly-once-effects', 'completion'],
      }),
      '--out',
      tempDir(),
    ]);
    expect(replica.code, replica.stderr + replica.stdout).toBe(0);
  });
});

describe("a team's own adapter on the command line: run, check and replay take --adapter PATH", () => {
  const goAdapter = join(root, 'examples/go-worker/adapter.mjs');

  it('runs a case of the module, records it in run.json, and replays the folder from anywhere', async () => {
    const out = tempDir();
    const args = ['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'none', '--out', out];
    const r = await ordeal(['run', '--adapter', 'examples/go-worker/adapter.mjs', ...args, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const { runDir } = (JSON.parse(r.stdout) as { cases: { runDir: string }[] }).cases[0]!;
    const info = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { adapter: string; adapterModule: string };
    expect(info).toMatchObject({ adapter: 'go-journal', adapterModule: goAdapter });
    // the printed replay command works where the module is not registered: replay loads it from run.json
    const again = await ordeal(['replay', runDir, '--out', tempDir()], { cwd: tempDir() });
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout).toMatch(/refund:order-1042 was applied 2 times/);
  });

  it('checks the module with fast-check and prints a replay that names it by its file', async () => {
    const r = await ordeal(['check', '--adapter', goAdapter, '--scenario', 'refund-agent', '--idempotency', 'none', '--runs', '10', '--seed', '3']);
    expect(r.code, r.stderr).toBe(1);
    const replay = /replay:\s+(ordeal replay --seed .*)/.exec(r.stdout)?.[1];
    expect(replay).toContain(`--adapter ${goAdapter}`);
    const again = await ordeal([...replay!.split(' ').slice(1), '--out', tempDir()]);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout).toMatch(/refund:order-1042 was applied 2 times/);
  });

  it('benches the module beside the floor and the bare loop', async () => {
    const out = tempDir();
    const r = await ordeal(['bench', '--adapter', goAdapter, '--quick', '--steps', '1,2', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    type Shape = { perStepMs: { p50: number }; ratioToFloor: number; ratioToBareLoop: number };
    const bench = JSON.parse(r.stdout) as {
      floor: { chain: { perStepMs: number } };
      bareLoop: { chain: Shape };
      adapters: Record<string, { chain?: Shape; missing?: string }>;
    };
    const chain = bench.adapters['go-journal']?.chain;
    expect(chain, bench.adapters['go-journal']?.missing).toBeDefined();
    // a marginal cost from two quick cases (T(2) − T(1)) may come out either side of zero: only that it was measured
    // and set beside this run's floor and bare loop
    expect(Number.isFinite(chain!.perStepMs.p50)).toBe(true);
    expect(chain!.ratioToFloor).toBeCloseTo(chain!.perStepMs.p50 / bench.floor.chain.perStepMs, 2);
    expect(chain!.ratioToBareLoop).toBeCloseTo(chain!.perStepMs.p50 / bench.bareLoop.chain.perStepMs.p50, 2);
  });

  it('a path to no module is exit 2 naming it', async () => {
    const r = await ordeal(['run', '--adapter', './no-such/adapter.mjs', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/field '--adapter': no such file .*no-such\/adapter\.mjs.*ORD-242/);
  });
});
