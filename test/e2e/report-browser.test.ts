// Renders `ordeal report --format html` in headless Chromium (Debian's `chromium`, installed by scripts/chromium.sh) and keeps a screenshot.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ordeal, root, tempDir } from '../helpers/cli.js';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(root, 'test-artifacts');

const chromium = (args: string[]) =>
  run(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${tempDir('ordeal-chromium-')}`,
      ...args,
    ],
    { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
  );

let html: string;
let dom: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash scripts/chromium.sh (npm run test:full does)`);
  const runs = tempDir('ordeal-report-html-');
  // the same failing case on two adapters: the reference runtime and LangGraph, both without idempotency keys
  for (const adapter of ['reference', 'langgraph']) {
    const r = await ordeal([
      'run',
      '--adapter',
      adapter,
      '--scenario',
      'refund-agent',
      '--fault',
      'kill-worker@after-effect:1',
      '--idempotency',
      'none',
      '--out',
      runs,
    ]);
    expect(r.code, r.stderr).toBe(1);
  }
  const ok = await ordeal(['run', '--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--out', runs]);
  expect(ok.code, ok.stderr).toBe(0);
  // a second variant of the reference adapter: the same failing case with one option changed
  const variant = await ordeal([
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
    runs,
  ]);
  expect(variant.code, variant.stderr).toBe(1);
  html = join(tempDir(), 'report.html');
  const r = await ordeal(['report', runs, '--format', 'html', '--out', html]);
  expect(r.code, r.stderr).toBe(0);
  dom = (await chromium(['--dump-dom', pathToFileURL(html).href])).stdout;
  mkdirSync(artifacts, { recursive: true });
  await chromium(['--window-size=1100,1600', `--screenshot=${join(artifacts, 'report.png')}`, pathToFileURL(html).href]);
});

const sections = () => dom.split('<section ').slice(1);

describe('the HTML report in a browser', () => {
  it('shows the matrix with a cell per case, one column per adapter variant side by side', () => {
    expect(dom).toMatch(/<table class="matrix">/);
    expect(dom).toMatch(/<th>langgraph<\/th><th>reference<\/th><th>reference · synchronous=NORMAL<\/th><\/tr>/);
    expect(dom.match(/class="matrix-case"/g)).toHaveLength(4);
    expect(dom.match(/class="matrix-row"/g)).toHaveLength(2); // (refund-agent, fault, none) and (…, framework)
    expect(sections()).toHaveLength(4);
    // the variant's case carries its options in its heading
    expect(sections().filter((s) => /<h3>.*reference · synchronous=NORMAL · refund-agent/.test(s))).toHaveLength(1);
  });

  it('opens with the scoreboard: one row per adapter variant, its verdicts, the guarantees that broke and the costs of recovery', () => {
    const board = dom.slice(dom.indexOf('<h2>Scoreboard</h2>'), dom.indexOf('<h2>Matrix</h2>'));
    expect(dom.indexOf('<h2>Scoreboard</h2>')).toBeGreaterThan(0);
    expect(board).toContain(
      '<th>adapter variant</th><th>cases</th><th>valid</th><th>invalid</th><th>unknown</th><th>incomplete</th><th>guarantees broken (cases)</th>',
    );
    const rows = [...board.matchAll(/<tr class="score-row" data-variant="([^"]+)">(.*?)<\/tr>/g)].map((m) => [
      m[1],
      ...[...m[2]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]),
    ]);
    expect(rows.map((r) => r[0])).toEqual(['langgraph', 'reference', 'reference · synchronous=NORMAL']);
    const byVariant = Object.fromEntries(rows.map((r) => [r[0], r.slice(2)]));
    // cases, valid, invalid, unknown, incomplete
    expect(byVariant.langgraph!.slice(0, 5)).toEqual(['1', '0', '1', '0', '0']);
    expect(byVariant.reference!.slice(0, 5)).toEqual(['2', '1', '1', '0', '0']);
    expect(byVariant['reference · synchronous=NORMAL']!.slice(0, 5)).toEqual(['1', '0', '1', '0', '0']);
    for (const r of Object.values<(string | undefined)[]>(byVariant)) {
      expect(r[5]).toContain('exactly-once-effects ×1');
      expect(r[6]).toMatch(/^\d+$/); // recovery p50 ms
      expect(Number(r[7])).toBeGreaterThanOrEqual(Number(r[6])); // max ≥ p50
    }
  });

  it('a failing case shows its anomaly, its replay command and a red duplicate mark in its timeline; the valid case shows none', () => {
    const failing = sections().filter((s) => s.startsWith('class="case case-invalid"'));
    expect(failing).toHaveLength(3);
    for (const s of failing) {
      expect(s).toMatch(/refund:order-1042 was applied 2 times/);
      expect(s).toMatch(/<pre class="replay">ordeal replay \//);
      expect(s).toMatch(/<svg class="timeline"/);
      expect(s.match(/class="mark mark-duplicate" data-kind="duplicate"><circle [^>]*fill="#d1242f"/g)?.length).toBe(2);
      expect(s).toMatch(/>worker#2</); // the restarted worker has its own lane
      expect(s).toMatch(/class="fault-window"/);
    }
    const valid = sections().find((s) => s.startsWith('class="case case-valid"'))!;
    expect(valid).not.toMatch(/mark-duplicate/);
    expect(valid).toMatch(/mark-deduplicated/); // the retried refund was deduplicated by its key
  });

  it('is self-contained (no external resources) and leaves a screenshot artifact', () => {
    expect(readExternal(dom)).toEqual([]);
    expect(statSync(join(artifacts, 'report.png')).size).toBeGreaterThan(20_000);
  });
});

/** src/href attributes that would make the browser fetch something. */
function readExternal(text: string): string[] {
  return [...text.matchAll(/(?:src|href)="(?!#)([^"]+)"/g)].map((m) => m[1]!);
}
