import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';
import { parseXml, type XmlElement } from '../helpers/xml.js';

// one real failing case, and a copy of it left as if the orchestrator had died mid-run
let runs: string;
let failingDir: string;

beforeAll(async () => {
  runs = tempDir('ordeal-report-');
  const r = await ordeal([
    'run',
    '--scenario',
    'refund-agent',
    '--fault',
    'kill-worker@after-effect:1',
    '--idempotency',
    'none',
    '--out',
    runs,
    '--json',
  ]);
  expect(r.code).toBe(1);
  failingDir = (JSON.parse(r.stdout) as { cases: { runDir: string }[] }).cases[0]!.runDir;
  const torn = join(runs, 'zz-torn-refund-agent-reference');
  cpSync(failingDir, torn, { recursive: true });
  rmSync(join(torn, 'verdict.json'));
  const info = JSON.parse(readFileSync(join(torn, 'run.json'), 'utf8')) as Record<string, unknown>;
  delete info.finishedAt;
  writeFileSync(join(torn, 'run.json'), JSON.stringify({ ...info, id: 'zz-torn-refund-agent-reference' }));
  const history = readFileSync(join(torn, 'history.jsonl'), 'utf8').split('\n');
  writeFileSync(join(torn, 'history.jsonl'), history.slice(0, 20).join('\n') + '\n{"index":20,"ti'); // a torn last line
});

const all = (e: XmlElement, name: string): XmlElement[] => [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => all(c, name))];

describe('ordeal report', () => {
  it('--format junit is well-formed JUnit XML: one testcase per case, the failure carries the anomaly and the replay command', async () => {
    const r = await ordeal(['report', runs, '--format', 'junit']);
    expect(r.code).toBe(0);
    const root = parseXml(r.stdout);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '2', failures: '1', errors: '1' });
    const cases = all(root, 'testcase');
    expect(cases).toHaveLength(2);
    expect(cases.every((c) => c.attrs.classname === 'reference.refund-agent')).toBe(true);
    const failed = cases.find((c) => c.children.some((x) => x.name === 'failure'))!;
    expect(failed.attrs.name).toBe('kill-worker@after-effect:1 [idempotency none]');
    const failure = failed.children.find((x) => x.name === 'failure')!;
    expect(failure.attrs.type).toBe('duplicate');
    expect(failure.text).toMatch(/refund:order-1042 was applied 2 times/);
    expect(failure.text).toContain(`replay: ordeal replay ${failingDir}`);
    const incomplete = cases.find((c) => c.children.some((x) => x.name === 'error'))!;
    expect(incomplete.children.find((x) => x.name === 'error')!.attrs.message).toMatch(/incomplete|stopped before it was judged/);
  });

  it('--format md renders the matrix and the failing case with its replay command; an unfinished folder reads as incomplete', async () => {
    const r = await ordeal(['report', runs, '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| scenario | fault | idempotency | reference |');
    expect(r.stdout).toMatch(/\| refund-agent \| `kill-worker@after-effect:1` \| none \| ❌ INVALID ⏳ incomplete \|/);
    expect(r.stdout).toContain(`ordeal replay ${failingDir}`);
    expect(r.stdout).toMatch(/1 invalid, 0 unknown, 1 incomplete/);
  });

  it('--format json holds every case with its verdict and ledger; --out writes a file', async () => {
    const out = join(tempDir(), 'r.json');
    const r = await ordeal(['report', failingDir, '--format', 'json', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const j = JSON.parse(readFileSync(out, 'utf8')) as {
      cases: { status: string; verdict: { valid: boolean }; ledger: unknown[]; duplicates: number[] }[];
    };
    expect(j.cases).toHaveLength(1);
    expect(j.cases[0]).toMatchObject({ status: 'invalid', verdict: { valid: false } });
    expect(j.cases[0]!.ledger.length).toBe(3);
    expect(j.cases[0]!.duplicates).toEqual([1, 2]);
  });

  it('two variants of one adapter are two matrix columns, two scoreboard rows, two JUnit suites; options are in headings and names', async () => {
    // the failing case again, on the same adapter with one option changed
    const two = tempDir('ordeal-report-variants-');
    cpSync(failingDir, join(two, 'a-default'), { recursive: true });
    const v = await ordeal([
      'run',
      '--scenario',
      'refund-agent',
      '--fault',
      'kill-worker@after-effect:1',
      '--idempotency',
      'none',
      '--opt',
      'synchronous=NORMAL',
      '--out',
      two,
    ]);
    expect(v.code, v.stderr).toBe(1);

    const md = await ordeal(['report', two, '--format', 'md']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain('| scenario | fault | idempotency | reference | reference · synchronous=NORMAL |');
    expect(md.stdout).toMatch(/\| refund-agent \| `kill-worker@after-effect:1` \| none \| ❌ INVALID \| ❌ INVALID \|/);
    expect(md.stdout).toContain('**❌ reference · synchronous=NORMAL · refund-agent · `kill-worker@after-effect:1` · idempotency none**');
    // the scoreboard comes first, one row per variant
    const board = md.stdout.slice(md.stdout.indexOf('| adapter variant |'), md.stdout.indexOf('| scenario |'));
    expect(board).toMatch(
      /^\| adapter variant \| cases \| valid \| invalid \| unknown \| incomplete \| guarantees broken \(cases\) \| recovery p50 ms \| recovery max ms \| re-executed steps \| repeated model calls \| re-spent tokens \|/,
    );
    for (const variant of ['reference', 'reference · synchronous=NORMAL'])
      expect(board).toMatch(new RegExp(`\\| ${variant} \\| 1 \\| 0 \\| 1 \\| 0 \\| 0 \\| [^|]*exactly-once-effects ×1[^|]* \\| \\d+ \\| \\d+ \\|`));

    const json = JSON.parse((await ordeal(['report', two, '--format', 'json'])).stdout) as Record<string, any>;
    expect(json.adapters).toEqual(['reference']);
    expect(json.variants).toEqual(['reference', 'reference · synchronous=NORMAL']);
    expect(Object.keys(json.matrix[0].cells)).toEqual(json.variants);
    expect(json.scoreboard.map((r: any) => r.variant)).toEqual(json.variants);
    for (const row of json.scoreboard) {
      const [k] = json.cases.filter((c: any) => c.variant === row.variant);
      // each row sums its cases' verdicts: one case each here
      expect(row).toMatchObject({ cases: 1, counts: { valid: 0, invalid: 1, unknown: 0, incomplete: 0 } });
      expect(row.broken).toContainEqual(['exactly-once-effects', 1]);
      expect(row.recoveryMs).toEqual({ p50: k.metrics['recovery.maxRecoveryMs'], max: k.metrics['recovery.maxRecoveryMs'], cases: 1 });
      expect(row.reexecutedSteps).toBe(k.metrics['wasted-work.reexecutedSteps']);
      expect(row.respentTokens).toBe(k.metrics['wasted-work.respentTokens']);
    }
    expect(json.cases.map((c: any) => c.options)).toEqual([{}, { synchronous: 'NORMAL' }]);

    const root = parseXml((await ordeal(['report', two, '--format', 'junit'])).stdout);
    const suites = all(root, 'testsuite');
    expect(suites.map((x) => x.attrs.name)).toEqual(['ordeal.reference', 'ordeal.reference · synchronous=NORMAL']);
    expect(suites.map((x) => all(x, 'testcase').map((c) => c.attrs.name))).toEqual([
      ['kill-worker@after-effect:1 [idempotency none]'],
      ['kill-worker@after-effect:1 [idempotency none] [synchronous=NORMAL]'],
    ]);
  });

  it('a path that is not a run folder, or an empty directory, exits 2 with a clear message', async () => {
    const empty = tempDir();
    const r = await ordeal(['report', empty, '--format', 'md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a run folder \(no run\.json\) and holds no run folders/);
    const missing = await ordeal(['report', join(empty, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not a directory/);
  });
});
