/**
 * Bad input of every class, as a user types it: each is a clean exit 2 naming the flag, file or field and the form
 * expected, with no stack trace, before anything starts (no process left, no new run folder, the recorded ones intact).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ordeal, root, tempDir } from '../helpers/cli.js';

/** Every process whose environment carries `mark` (what one ordeal command and its children were started with). */
function marked(mark: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n)))
    try {
      if (readFileSync(`/proc/${p}/environ`, 'latin1').includes(mark)) pids.push(Number(p));
    } catch {
      // gone, or not ours to read
    }
  return pids;
}

const refund = () => JSON.parse(readFileSync(join(root, 'scenarios/refund-agent.json'), 'utf8')) as Record<string, any>;

/** A copy of refund-agent changed by `edit`, written into `dir`. */
function scenario(dir: string, name: string, edit: (s: Record<string, any>) => void): string {
  const s = refund();
  edit(s);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

interface Row {
  /** What the user did wrong. */
  what: string;
  /** The command line; `$D` is a scratch directory, `$RUNS` a directory holding one recorded run folder, `$RUN` that folder. */
  args: string[];
  /** Exit code (2 unless said). */
  code?: number;
  /** What the one-line message must say: the flag, file or field, and the form expected. */
  says: (string | RegExp)[];
  /** The ORD code. */
  ord: string;
  /** What the message must not say (a flag the user never gave, a secret). */
  saysNot?: (string | RegExp)[];
  /** Extra environment of the command. */
  env?: Record<string, string>;
}

let D = '';
let RUNS = '';
let RUN = '';
let recorded: string[] = [];

/** The files of the recorded run folder, to see nothing of it is lost. */
const filesOf = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

beforeAll(async () => {
  D = tempDir('ordeal-bad-input-');
  RUNS = join(D, 'runs');
  const r = await ordeal(['run', '--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--out', RUNS, '--seed', '7']);
  expect(r.code, r.stderr).toBe(0);
  RUN = join(RUNS, readdirSync(RUNS)[0]!);
  recorded = filesOf(RUN);
  writeFileSync(join(D, 'a-file'), 'not a directory');
  mkdirSync(join(D, 'a-dir'));
  // scenario files of every class
  scenario(D, 'ws-empty', (s) => (s.fixture.workspace = { '': 'x' }));
  scenario(D, 'ws-dot', (s) => (s.fixture.workspace = { '.': 'x' }));
  scenario(D, 'ws-dir', (s) => (s.fixture.workspace = { 'src/': 'x' }));
  scenario(D, 'ws-long', (s) => (s.fixture.workspace = { ['n'.repeat(300)]: 'x' }));
  scenario(D, 'ws-clash', (s) => (s.fixture.workspace = { a: 'x', 'a/b': 'y' }));
  scenario(D, 'ws-dotdot', (s) => (s.fixture.workspace = { '../escape': 'x' }));
  scenario(D, 'dup-effect', (s) => s.expect.effects.push({ id: 'refund:order-1042', type: 'refund' }));
  scenario(D, 'type-mismatch', (s) => (s.expect.effects[0].type = 'send_email'));
  scenario(D, 'template', (s) => (s.cassette[2].calls[0].args.amount = '{{result:7.amount}}'));
  scenario(D, 'human-delay', (s) => (s.human = { decision: 'approve', delayMs: 99_999_999_999 }));
  writeFileSync(join(D, 'deep.json'), '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000));
  writeFileSync(join(D, 'latin1.json'), Buffer.from(JSON.stringify(refund()).replace('damaged', 'dam\u00e9ged'), 'latin1'));
  writeFileSync(join(D, 'not-json.json'), '{"name": "x",');
  writeFileSync(join(D, 'schedule.json'), JSON.stringify([{ fault: 'kill-worker', at: 'after-effect:1', restartAfterMs: -5 }]));
  writeFileSync(join(D, 'extra.json'), JSON.stringify([{ fault: 'kill-worker', at: 'step:1', bogus: 1 }]));
  writeFileSync(join(D, 'huge.json'), '[{"fault": "human-late", "at": "approval:waiting", "ms": 1e400}]');
  // gate configs
  const gate = (name: string, c: unknown) => writeFileSync(join(D, `${name}.json`), JSON.stringify(c));
  const base = { adapters: ['reference'], scenarios: ['refund-agent'], schedules: ['none'] };
  gate('gate-timeout', { ...base, timeoutMs: 99_999_999_999 });
  gate('gate-twice', { ...base, scenarios: ['refund-agent', 'refund-agent'] });
  gate('gate-opt', { ...base, adapters: [{ name: 'reference', options: { bogus: 1 } }] });
  gate('gate-param', { ...base, schedules: ['kill-worker@step:1,restartAfterMs=-5'] });
  gate('gate-unknown', { ...base, retries: 3 });
  // a bench.json with the top-level fields of a bench result, whose adapter entry is damaged: the HTML renderer crashed on it
  writeFileSync(
    join(D, 'bench-damaged.json'),
    JSON.stringify({
      machine: { cpus: 2, cpuModel: 'x', memGb: 8, node: 'v20', os: 'linux', loadAvg1m: 0, steps: [1, 10] },
      floor: { chain: {}, fanOut: {} },
      bareLoop: {},
      adapters: { reference: null },
    }),
  );
  // damaged run folders
  const damaged = (name: string, file: string, text: string | Buffer) => {
    cpSync(RUN, join(D, name), { recursive: true });
    writeFileSync(join(D, name, file), text);
  };
  damaged('run-not-json', 'run.json', '{bad');
  damaged('run-array', 'run.json', '[1, 2]');
  damaged('run-seed-null', 'run.json', JSON.stringify({ ...JSON.parse(readFileSync(join(RUN, 'run.json'), 'utf8')), seed: null }));
  const info = () => JSON.parse(readFileSync(join(RUN, 'run.json'), 'utf8')) as Record<string, unknown>;
  damaged('run-seed-big', 'run.json', JSON.stringify({ ...info(), seed: 2 ** 40 }));
  // a number is an option's legitimate form in run.json (pollMs: 5); the synchronous mode is not a number
  damaged('run-opt-number', 'run.json', JSON.stringify({ ...info(), options: { pollMs: 5, synchronous: 5 } }));
  damaged('run-opt-bad', 'run.json', JSON.stringify({ ...info(), options: { pollMs: 'abc' } }));
  damaged('run-bad-scenario', 'scenario.json', '{"name": 1}');
  damaged('run-bad-schedule', 'schedule.json', '{"fault": "kill-worker"}');
  cpSync(RUN, join(D, 'run-dangling'), { recursive: true });
  symlinkSync(join(D, 'nowhere'), join(D, 'run-dangling', 'workspace', 'dangling'));
});

const rows: Row[] = [
  // numbers and ranges
  {
    what: 'a seed that is not a number',
    args: ['run', '--seed', 'abc', '--out', '$D/o'],
    says: ['--seed', 'not a number', 'an integer'],
    ord: 'ORD-142',
  },
  { what: 'a fractional seed', args: ['replay', '--seed', '1.5', '--path', '1'], says: ['--seed 1.5', 'an integer'], ord: 'ORD-142' },
  { what: 'a seed beyond 32 bits', args: ['run', '--seed', '99999999999', '--out', '$D/o'], says: ['--seed', '2147483647'], ord: 'ORD-142' },
  { what: 'a negative timeout', args: ['run', '--timeout', '-5', '--out', '$D/o'], says: ['--timeout -5', 'an integer ≥ 1'], ord: 'ORD-142' },
  {
    what: 'a timeout past the timer ceiling',
    args: ['check', '--scenario', 'refund-agent', '--timeout', '99999999999', '--out', '$D/o'],
    says: ['--timeout', '2147483647', 'milliseconds'],
    ord: 'ORD-142',
  },
  {
    what: 'a flag with no value',
    args: ['run', '--out', '$D/o', '--timeout'],
    says: ['--timeout given without a value', 'an integer'],
    ord: 'ORD-142',
  },
  { what: 'an empty value', args: ['run', '--out', '$D/o', '--seed='], says: ['--seed given without a value'], ord: 'ORD-142' },
  {
    what: 'runs of 0',
    args: ['check', '--scenario', 'refund-agent', '--runs', '0', '--out', '$D/o'],
    says: ['--runs 0', 'an integer ≥ 1'],
    ord: 'ORD-125',
  },
  {
    what: 'max-faults of 0',
    args: ['check', '--scenario', 'refund-agent', '--max-faults', '0', '--out', '$D/o'],
    says: ['--max-faults 0', '≥ 1'],
    ord: 'ORD-123',
  },
  {
    what: 'a non-URL collector',
    args: ['run', '--otlp-endpoint', 'nope', '--out', '$D/o'],
    says: ['--otlp-endpoint', 'http:// or https:// URL'],
    ord: 'ORD-150',
  },
  // repeated and unknown flags
  {
    what: 'a scenario twice on check',
    args: ['check', '--scenario', 'a', '--scenario', 'b', '--out', '$D/o'],
    says: ['--scenario given 2 times', 'expected it once'],
    ord: 'ORD-141',
  },
  { what: 'a seed twice', args: ['run', '--seed', '1', '--seed', '2', '--out', '$D/o'], says: ['--seed given 2 times'], ord: 'ORD-141' },
  { what: 'an --out twice', args: ['run', '--out', '$D/o', '--out', '$D/p'], says: ['--out given 2 times'], ord: 'ORD-141' },
  {
    what: 'idempotency twice',
    args: ['run', '--idempotency', 'none', '--idempotency', 'framework', '--out', '$D/o'],
    says: ['--idempotency given 2 times'],
    ord: 'ORD-141',
  },
  { what: 'an unknown engine name', args: ['engines', 'status', 'bogus'], says: ['unknown engine "bogus"', 'expected some of'], ord: 'ORD-101' },
  { what: 'an unknown flag', args: ['run', '--sead', '1', '--out', '$D/o'], says: ['Unknown argument', 'sead'], ord: '' },
  // --out problems
  {
    what: 'run --out a file',
    args: ['run', '--out', '$D/a-file'],
    says: ["--out '", 'is a file, not a directory', 'expected a directory'],
    ord: 'ORD-143',
  },
  {
    what: 'check --out under a file',
    args: ['check', '--scenario', 'refund-agent', '--out', '$D/a-file/x'],
    says: ['--out', 'is a file', 'expected a directory'],
    ord: 'ORD-143',
  },
  { what: 'replay --out a file', args: ['replay', '$RUN', '--out', '$D/a-file'], says: ['--out', 'is a file, not a directory'], ord: 'ORD-143' },
  { what: 'gate --out a file', args: ['gate', '--config', '$D/gate-twice.json', '--out', '$D/a-file'], says: ['--out', 'is a file'], ord: 'ORD-143' },
  { what: 'bench --out a file', args: ['bench', '--out', '$D/a-file'], says: ['--out', 'is a file'], ord: 'ORD-143' },
  { what: 'report --out a directory', args: ['report', '$RUNS', '--out', '$D/a-dir'], says: ['--out', 'is a directory, not a file'], ord: 'ORD-143' },
  {
    what: 'report --bench with a damaged bench.json',
    args: ['report', '$RUNS', '--format', 'html', '--bench', '$D/bench-damaged.json', '--out', '$D/bench-report.html'],
    says: ["bench-damaged.json: field 'floor.fdatasyncMs' must be an object (got nothing)", 'expected the bench.json that ordeal bench writes'],
    ord: 'ORD-233',
  },
  {
    what: 'report --out under a file',
    args: ['report', '$RUNS', '--out', '$D/a-file/r.html'],
    says: ['--out', 'is a file', 'a file path'],
    ord: 'ORD-143',
  },
  // fault parameters, triggers, adapter options and targets
  {
    what: 'a negative restart delay',
    args: ['run', '--fault', 'kill-worker@step:1,restartAfterMs=-5', '--out', '$D/o'],
    says: ["'restartAfterMs'", 'a whole number from 0'],
    ord: 'ORD-207',
  },
  {
    what: 'a parameter no fault reads',
    args: ['run', '--fault', 'kill-worker@step:1,delay=5', '--out', '$D/o'],
    says: ["unknown parameter 'delay'", 'restartAfterMs'],
    ord: 'ORD-207',
  },
  {
    what: 'a delay past the timer ceiling',
    args: ['run', '--fault', 'human-late@approval:waiting,ms=99999999999', '--out', '$D/o'],
    says: ["'ms'", '2147483647'],
    ord: 'ORD-207',
  },
  {
    what: 'a t+N trigger past the timer ceiling',
    args: ['run', '--fault', 'kill-worker@t+99999999999ms', '--out', '$D/o'],
    says: ['t+99999999999ms', 'too large', '2147483647'],
    ord: 'ORD-204',
  },
  {
    what: 'a step beyond any count',
    args: ['run', '--fault', 'kill-worker@step:99999999999999999999', '--out', '$D/o'],
    says: ['step:99999999999999999999', 'too large'],
    ord: 'ORD-204',
  },
  {
    what: 'a target the adapter does not have',
    args: ['run', '--fault', 'net-latency@step:1,target=db', '--out', '$D/o'],
    says: ["'target'", 'world, engine'],
    ord: 'ORD-207',
  },
  {
    what: 'a schedule file with a bad parameter',
    args: ['run', '--schedule', '$D/schedule.json', '--out', '$D/o'],
    says: ["'restartAfterMs'"],
    ord: 'ORD-207',
  },
  {
    what: 'an adapter option of the wrong form',
    args: ['run', '--adapter', 'temporal', '--opt', 'heartbeatMs=abc', '--out', '$D/o'],
    says: ['heartbeatMs=abc', 'an integer'],
    ord: 'ORD-110',
  },
  { what: 'an unknown adapter option', args: ['run', '--opt', 'bogus=1', '--out', '$D/o'], says: ['--opt bogus', 'expected one of'], ord: 'ORD-110' },
  // scenario files
  {
    what: 'an empty workspace path',
    args: ['run', '--scenario', '$D/ws-empty.json', '--out', '$D/o'],
    says: ['ws-empty.json', 'fixture.workspace[""]', 'not empty'],
    ord: 'ORD-201',
  },
  {
    what: "a workspace path '.'",
    args: ['run', '--scenario', '$D/ws-dot.json', '--out', '$D/o'],
    says: ['fixture.workspace["."]', 'plain path'],
    ord: 'ORD-201',
  },
  {
    what: 'a workspace directory',
    args: ['run', '--scenario', '$D/ws-dir.json', '--out', '$D/o'],
    says: ['fixture.workspace["src/"]', 'must name a file'],
    ord: 'ORD-201',
  },
  {
    what: 'a 300-byte workspace name',
    args: ['run', '--scenario', '$D/ws-long.json', '--out', '$D/o'],
    says: ['300 bytes', 'at most 255'],
    ord: 'ORD-201',
  },
  {
    what: "'a' beside 'a/b'",
    args: ['run', '--scenario', '$D/ws-clash.json', '--out', '$D/o'],
    says: ['fixture.workspace["a"]', "'a/b' needs it to be a folder"],
    ord: 'ORD-201',
  },
  {
    what: 'a path out of the workspace',
    args: ['run', '--scenario', '$D/ws-dotdot.json', '--out', '$D/o'],
    says: ['inside the workspace'],
    ord: 'ORD-201',
  },
  {
    what: 'an expected effect twice',
    args: ['run', '--scenario', '$D/dup-effect.json', '--out', '$D/o'],
    says: ["'expect.effects[2].id'", 'must be unique'],
    ord: 'ORD-201',
  },
  {
    what: "an effect type that is not its call's tool",
    args: ['run', '--scenario', '$D/type-mismatch.json', '--out', '$D/o'],
    says: ["'expect.effects[0].type'", "expected 'refund'"],
    ord: 'ORD-201',
  },
  {
    what: 'a template naming a result no turn produces',
    args: ['run', '--scenario', '$D/template.json', '--out', '$D/o'],
    says: ['cassette[2].calls[0].args.amount', '{{result:7…}}', 'below 2'],
    ord: 'ORD-201',
  },
  {
    what: 'a human delay past the timer ceiling',
    args: ['run', '--scenario', '$D/human-delay.json', '--out', '$D/o'],
    says: ["'human.delayMs'", '2147483647'],
    ord: 'ORD-201',
  },
  {
    what: '50 000 levels of nesting',
    args: ['run', '--scenario', '$D/deep.json', '--out', '$D/o'],
    says: ['deep.json', 'deeper than 64 levels'],
    ord: 'ORD-222',
  },
  {
    what: 'bytes that are not UTF-8',
    args: ['run', '--scenario', '$D/latin1.json', '--out', '$D/o'],
    says: ['latin1.json', 'not UTF-8', '0xe9'],
    ord: 'ORD-221',
  },
  {
    what: 'a scenario that is not JSON',
    args: ['run', '--scenario', '$D/not-json.json', '--out', '$D/o'],
    says: ['not-json.json', 'not valid JSON at line 1'],
    ord: 'ORD-203',
  },
  {
    what: 'a scenario that is a directory',
    args: ['run', '--scenario', '$D/a-dir/', '--out', '$D/o'],
    says: ['cannot read it', 'EISDIR'],
    ord: 'ORD-202',
  },
  // gate configs
  {
    what: 'a gate timeout past the timer ceiling',
    args: ['gate', '--config', '$D/gate-timeout.json', '--out', '$D/g'],
    says: ["'timeoutMs'", '2147483647'],
    ord: 'ORD-240',
  },
  {
    what: 'a gate scenario twice',
    args: ['gate', '--config', '$D/gate-twice.json', '--out', '$D/g'],
    says: ["'scenarios[1]'", 'expected each entry once'],
    ord: 'ORD-240',
  },
  {
    what: 'a gate adapter option unknown',
    args: ['gate', '--config', '$D/gate-opt.json', '--out', '$D/g'],
    says: ["'adapters[0].options'", 'bogus'],
    ord: 'ORD-110',
  },
  {
    what: 'a gate fault parameter out of range',
    args: ['gate', '--config', '$D/gate-param.json', '--out', '$D/g'],
    says: ["'schedules[0]'", 'restartAfterMs'],
    ord: 'ORD-240',
  },
  {
    what: 'a gate setting that does not exist',
    args: ['gate', '--config', '$D/gate-unknown.json', '--out', '$D/g'],
    says: ["'retries'", 'expected one of'],
    ord: 'ORD-240',
  },
  // damaged run folders
  {
    what: 'trace of a run.json that is not JSON',
    args: ['trace', '$D/run-not-json'],
    says: ['run-not-json/run.json', 'not valid JSON'],
    ord: 'ORD-203',
  },
  {
    what: 'replay of a run.json that is not JSON',
    args: ['replay', '$D/run-not-json', '--out', '$D/o'],
    says: ['run-not-json/run.json', 'not valid JSON'],
    ord: 'ORD-203',
  },
  {
    what: 'trace of a run.json that is an array',
    args: ['trace', '$D/run-array'],
    says: ['run-array/run.json', "'(root)'", 'an object'],
    ord: 'ORD-220',
  },
  {
    what: 'replay of a run.json without a seed',
    args: ['replay', '$D/run-seed-null', '--out', '$D/o'],
    says: ['run.json', "'seed'", 'an integer'],
    ord: 'ORD-220',
  },
  {
    what: 'replay of a damaged scenario.json',
    args: ['replay', '$D/run-bad-scenario', '--out', '$D/o'],
    says: ['run-bad-scenario/scenario.json', "'name'"],
    ord: 'ORD-201',
  },
  {
    what: 'replay of a damaged schedule.json',
    args: ['replay', '$D/run-bad-schedule', '--out', '$D/o'],
    says: ['run-bad-schedule/schedule.json'],
    ord: 'ORD-206',
  },
  {
    what: 'trace of a folder with a dangling link',
    args: ['trace', '$D/run-dangling'],
    says: ['run-dangling', 'cannot be read', 'ENOENT'],
    ord: 'ORD-223',
  },
  { what: 'trace of a folder that is no run folder', args: ['trace', '$D/a-dir'], says: ['a-dir', 'not a run folder'], ord: 'ORD-211' },
  {
    what: 'replay of a run.json with an option of the wrong type',
    args: ['replay', '$D/run-opt-number', '--out', '$D/o'],
    says: ['run-opt-number/run.json', "field 'options.synchronous'", 'FULL or NORMAL', '(got 5)'],
    saysNot: ['--opt'],
    ord: 'ORD-220',
  },
  {
    what: 'replay of a run.json with a bad option value',
    args: ['replay', '$D/run-opt-bad', '--out', '$D/o'],
    says: ['run-opt-bad/run.json', "field 'options.pollMs'", 'a number > 0', '(got "abc")'],
    saysNot: ['--opt'],
    ord: 'ORD-220',
  },
  {
    what: 'replay of a run.json whose seed is beyond --seed',
    args: ['replay', '$D/run-seed-big', '--out', '$D/o'],
    says: ['run-seed-big/run.json', "field 'seed'", '-2147483648 to 2147483647'],
    ord: 'ORD-220',
  },
  // ordeal record: every flag checked before the agent runs (the model URL answers nothing: a recording would fail with exit 3)
  {
    what: 'record --out under a file',
    args: ['record', '--from', 'refund-agent', '--model-url', 'http://127.0.0.1:9/v1', '--out', '$D/a-file/q.json', '--runs', '$D/o'],
    says: ["--out '", 'cannot be created', 'a-file is a file', 'a file path'],
    ord: 'ORD-143',
  },
  {
    what: 'record --runs a file',
    args: ['record', '--from', 'refund-agent', '--model-url', 'http://127.0.0.1:9/v1', '--runs', '$D/a-file', '--out', '$D/o/q.json'],
    says: ["--runs '", 'is a file, not a directory'],
    ord: 'ORD-143',
  },
  {
    what: 'record --timeout of 0',
    args: ['record', '--from', 'refund-agent', '--model-url', 'http://127.0.0.1:9/v1', '--timeout', '0', '--runs', '$D/o'],
    says: ['--timeout 0', 'an integer ≥ 1 and ≤ 2147483647'],
    ord: 'ORD-142',
  },
  {
    what: 'record --timeout not a number',
    args: ['record', '--from', 'refund-agent', '--model-url', 'http://127.0.0.1:9/v1', '--timeout', 'abc', '--runs', '$D/o'],
    says: ['--timeout "abc": not a number'],
    ord: 'ORD-142',
  },
  {
    what: 'record --timeout fractional',
    args: ['record', '--from', 'refund-agent', '--model-url', 'http://127.0.0.1:9/v1', '--timeout', '1.5', '--runs', '$D/o'],
    says: ['--timeout 1.5', 'an integer'],
    ord: 'ORD-142',
  },
  {
    what: 'record --timeout past the timer ceiling',
    args: ['record', '--from', 'refund-agent', '--model-url', 'http://127.0.0.1:9/v1', '--timeout', '99999999999', '--runs', '$D/o'],
    says: ['--timeout 99999999999', '2147483647'],
    ord: 'ORD-142',
  },
  {
    what: 'record --model-url with credentials',
    args: ['record', '--from', 'refund-agent', '--model-url', 'http://user:s3cret@127.0.0.1:9/v1', '--runs', '$D/o'],
    says: ['--model-url', 'holds credentials', '--model-key-env'],
    saysNot: ['s3cret'],
    ord: 'ORD-152',
  },
  // flags that take one value, given twice, on every command
  {
    what: 'record --from twice',
    args: ['record', '--from', 'refund-agent', '--from', 'coding-agent', '--model-url', 'http://127.0.0.1:9/v1', '--runs', '$D/o'],
    says: ['--from given 2 times', 'expected it once'],
    ord: 'ORD-141',
  },
  {
    what: 'record --model-url twice',
    args: ['record', '--from', 'refund-agent', '--model-url', 'http://127.0.0.1:9/v1', '--model-url', 'http://127.0.0.1:8/v1', '--runs', '$D/o'],
    says: ['--model-url given 2 times'],
    ord: 'ORD-141',
  },
  {
    what: 'record --idempotency twice',
    args: [
      'record',
      '--from',
      'refund-agent',
      '--model-url',
      'http://127.0.0.1:9/v1',
      '--idempotency',
      'none',
      '--idempotency',
      'framework',
      '--runs',
      '$D/o',
    ],
    says: ['--idempotency given 2 times'],
    ord: 'ORD-141',
  },
  {
    what: 'record --timeout twice',
    args: ['record', '--from', 'refund-agent', '--model-url', 'http://127.0.0.1:9/v1', '--timeout', '1', '--timeout', '2', '--runs', '$D/o'],
    says: ['--timeout given 2 times (1, 2)'],
    ord: 'ORD-141',
  },
  {
    what: 'init --lang twice',
    args: ['init', 'adapter', 'zz', '--lang', 'js', '--lang', 'python', '--dir', '$D/o/zz'],
    says: ['--lang given 2 times'],
    ord: 'ORD-141',
  },
  { what: 'init --dir twice', args: ['init', 'adapter', 'zz', '--dir', '$D/o/a', '--dir', '$D/o/b'], says: ['--dir given 2 times'], ord: 'ORD-141' },
  {
    what: 'report --format twice',
    args: ['report', '$RUNS', '--format', 'json', '--format', 'md'],
    says: ['--format given 2 times'],
    ord: 'ORD-141',
  },
  {
    what: 'run --launcher twice',
    args: ['run', '--launcher', 'containers', '--launcher', 'native', '--out', '$D/o'],
    says: ['--launcher given 2 times ("containers", "native")'],
    ord: 'ORD-141',
  },
  {
    what: 'gate --launcher twice',
    args: ['gate', '--config', '$D/gate-twice.json', '--launcher', 'native', '--launcher', 'native', '--out', '$D/g'],
    says: ['--launcher given 2 times'],
    ord: 'ORD-141',
  },
  {
    what: 'run --otlp-endpoint twice',
    args: ['run', '--otlp-endpoint', 'http://127.0.0.1:1', '--otlp-endpoint', 'http://127.0.0.1:2', '--out', '$D/o'],
    says: ['--otlp-endpoint given 2 times'],
    ord: 'ORD-141',
  },
  // init adapter: where it writes, and its name
  {
    what: 'init --dir a file',
    args: ['init', 'adapter', 'good3', '--dir', '$D/a-file'],
    says: ["--dir '", 'is a file, not a directory', 'expected a directory'],
    ord: 'ORD-143',
  },
  {
    what: 'init --dir under a file',
    args: ['init', 'adapter', 'good3', '--dir', '$D/a-file/sub'],
    says: ['--dir', 'cannot be created', 'a-file is a file'],
    ord: 'ORD-143',
  },
  {
    what: 'init of a name whose directory is a file',
    args: ['init', 'adapter', 'a-file'],
    says: ["'a-file' (the default --dir)", 'is a file', 'give --dir'],
    ord: 'ORD-143',
  },
  {
    what: 'init of a 300-character name',
    args: ['init', 'adapter', 'n'.repeat(300)],
    says: ['is 300 characters long', 'at most 64'],
    ord: 'ORD-158',
  },
  {
    what: 'a --dir part longer than a file name',
    args: ['init', 'adapter', 'good3', '--dir', `$D/o/${'d'.repeat(300)}`],
    says: ['--dir', '300 bytes', 'more than the 255'],
    ord: 'ORD-143',
  },
  // "last wins" duplicates
  {
    what: 'a fault parameter twice',
    args: ['run', '--fault', 'kill-worker@step:1,restartAfterMs=1,restartAfterMs=2', '--out', '$D/o'],
    says: ["parameter 'restartAfterMs' given twice (1 and 2)", 'expected each parameter once'],
    ord: 'ORD-103',
  },
  {
    what: 'a fault parameter that would replace the trigger',
    args: ['run', '--fault', 'kill-worker@step:1,at=step:2', '--out', '$D/o'],
    says: ["'at' is not a parameter", 'FAULT@TRIGGER'],
    ord: 'ORD-103',
  },
  {
    what: 'an --opt key twice',
    args: ['run', '--opt', 'synchronous=FULL', '--opt', 'synchronous=NORMAL', '--out', '$D/o'],
    says: ['--opt synchronous given twice', 'synchronous=FULL and synchronous=NORMAL'],
    ord: 'ORD-141',
  },
  {
    what: 'run --scenario twice',
    args: ['run', '--scenario', 'refund-agent', '--scenario', 'refund-agent', '--out', '$D/o'],
    says: ["--scenario 'refund-agent' given twice", 'expected each scenario once'],
    ord: 'ORD-141',
  },
  // empty values do not fall back to the defaults
  { what: 'bench --adapter empty', args: ['bench', '--adapter', '', '--out', '$D/o'], says: ["--adapter ''", 'names no adapter'], ord: 'ORD-112' },
  {
    what: 'check --faults empty',
    args: ['check', '--scenario', 'refund-agent', '--faults', '', '--out', '$D/o'],
    says: ["--faults ''", 'names no fault', 'leave --faults out'],
    ord: 'ORD-120',
  },
  // conflicts
  {
    what: 'replay of a folder with --seed and --path',
    args: ['replay', '$RUN', '--seed', '1', '--path', '0', '--scenario', 'refund-agent', '--out', '$D/o'],
    says: ['--seed, --path, --scenario are for replay --seed S --path P', 'either the folder or --seed and --path'],
    ord: 'ORD-126',
  },
  {
    what: 'check --exhaustive with --runs',
    args: ['check', '--exhaustive', '--scenario', 'refund-agent', '--runs', '5', '--out', '$D/o'],
    says: ['--runs 5', 'does not apply to --exhaustive'],
    ord: 'ORD-196',
  },
  { what: 'a switch given a value', args: ['run', '--resume=maybe', '--out', '$D/o'], says: ['--resume=maybe', 'is a switch'], ord: 'ORD-142' },
  {
    what: 'an unknown ORDEAL_PROBES',
    args: ['run', '--scenario', 'refund-agent', '--out', '$D/o'],
    env: { ORDEAL_PROBES: 'bad' },
    says: ["ORDEAL_PROBES='bad'", 'expected off'],
    ord: 'ORD-151',
  },
  // messages
  { what: '--jobs not a number', args: ['run', '--jobs', 'abc', '--out', '$D/o'], says: ['--jobs abc', 'an integer from 1 to 64'], ord: 'ORD-190' },
  {
    what: 'a schedule file with an unknown parameter',
    args: ['run', '--schedule', '$D/extra.json', '--out', '$D/o'],
    says: ['extra.json[0]', "unknown parameter 'bogus'"],
    ord: 'ORD-207',
  },
  {
    what: 'a schedule file with a number too large for JSON',
    args: ['run', '--schedule', '$D/huge.json', '--out', '$D/o'],
    says: ['huge.json[0]', "parameter 'ms'", 'Infinity', '2147483647'],
    saysNot: ['(got null)'],
    ord: 'ORD-207',
  },
  {
    what: 'an adapter flag two adapters take',
    args: ['run', '--postgres-url', 'postgresql://u@127.0.0.1:1/d', '--out', '$D/o'],
    says: ['--postgres-url is an option of the langgraph and dbos adapters'],
    ord: 'ORD-107',
  },
];

describe('bad input: exit 2 naming what was wrong and what was expected, before anything starts', () => {
  it.each(rows)('$what', async (row) => {
    const mark = `ORDEAL_TEST_MARK=${randomUUID()}`;
    const args = row.args.map((a) => a.replace('$RUNS', RUNS).replace('$RUN', RUN).replace('$D', D));
    const r = await ordeal(args, { cwd: D, env: { ...row.env, ORDEAL_TEST_MARK: mark.slice('ORDEAL_TEST_MARK='.length) } });
    expect(r.code, r.stderr).toBe(row.code ?? 2);
    const pattern = (s: string | RegExp) => (typeof s === 'string' ? new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : s);
    for (const s of row.says) expect(r.stderr).toMatch(pattern(s));
    for (const s of row.saysNot ?? []) expect(r.stderr).not.toMatch(pattern(s));
    if (row.ord) expect(r.stderr).toContain(`[${row.ord}]`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
    // nothing was started and nothing recorded was lost
    expect(existsSync(join(D, 'o')) ? readdirSync(join(D, 'o')) : []).toEqual([]);
    expect(existsSync(join(D, 'g', 'runs')) ? readdirSync(join(D, 'g', 'runs')) : []).toEqual([]);
    expect(filesOf(RUN)).toEqual(recorded);
    expect(marked(mark)).toEqual([]);
  });

  it('ordeal report renders every other folder and marks a damaged one incomplete', async () => {
    const dir = join(D, 'mixed');
    mkdirSync(dir);
    cpSync(RUN, join(dir, 'good'), { recursive: true });
    cpSync(join(D, 'run-array'), join(dir, 'bad'), { recursive: true });
    for (const format of ['md', 'json', 'junit', 'html']) {
      const r = await ordeal(['report', dir, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/incomplete/);
    }
    const json = JSON.parse((await ordeal(['report', dir, '--format', 'json'])).stdout) as { runs?: unknown[]; [k: string]: unknown };
    expect(JSON.stringify(json)).toContain("run.json: field '(root)' must be an object");
  });
});
