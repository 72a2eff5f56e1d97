// A matrix that survives the harness's own death: SIGKILL the orchestrator mid-gate, find nothing of it alive,
// resume, and get the report an uninterrupted gate writes.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, ordealBin, root, tempDir } from '../helpers/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const runFolders = (runs: string) => (existsSync(runs) ? readdirSync(runs).filter((n) => existsSync(join(runs, n, 'run.json'))) : []);
const judged = (runs: string) => runFolders(runs).filter((n) => existsSync(join(runs, n, 'verdict.json')));

/** Every pid a case of `runs` started (world, workers, engines), from the histories, torn cases included. */
function casePids(runs: string): number[] {
  const dirs = [...runFolders(runs).map((n) => join(runs, n)), ...runFolders(join(runs, '.incomplete')).map((n) => join(runs, '.incomplete', n))];
  // a SIGKILL between run.json and the history leaves a folder without history.jsonl: it started nothing (setup.ts
  // opens the history before the world starts)
  return dirs.flatMap((d) =>
    (existsSync(join(d, 'history.jsonl')) ? readFileSync(join(d, 'history.jsonl'), 'utf8') : '')
      .split('\n')
      .filter((l) => l.trim())
      .flatMap((l) => {
        try {
          const op = JSON.parse(l) as { f?: string; pid?: number };
          return op.f === 'start' && typeof op.pid === 'number' ? [op.pid] : [];
        } catch {
          return [];
        }
      }),
  );
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // a zombie waiting for its reaper is not running
    return !/^\d+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** The report's matrix as a user reads it: each row's scenario, fault, idempotency and verdicts. */
async function matrixOf(runs: string) {
  const r = await ordeal(['report', runs, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const rep = JSON.parse(r.stdout) as {
    totals: unknown;
    matrix: { scenario: string; fault: string; idempotency: string; cells: Record<string, { status: string }[]> }[];
  };
  return {
    totals: rep.totals,
    rows: rep.matrix.map((m) => ({ ...m, cells: Object.fromEntries(Object.entries(m.cells).map(([k, v]) => [k, v.map((c) => c.status)])) })),
  };
}

describe('ordeal gate --resume', () => {
  it('after a SIGKILL of the orchestrator mid-matrix leaves nothing running, and resuming writes the verdicts an uninterrupted gate writes', async () => {
    const config = join(tempDir('ordeal-gate-'), 'ordeal.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        adapters: ['reference'],
        scenarios: ['refund-agent', 'coding-agent'],
        schedules: ['kill-worker@after-effect:1', 'kill-worker@llm-call:2', 'kill-worker@before-effect:1'],
        idempotency: ['framework', 'none'],
        require: ['exactly-once-effects', 'completion'],
      }),
    );
    const whole = tempDir();
    const uninterrupted = await ordeal(['gate', '--config', config, '--out', whole, '--jobs', '2']);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(1);

    const out = tempDir();
    const runs = join(out, 'runs');
    const child = spawn(process.execPath, [ordealBin, 'gate', '--config', config, '--out', out, '--jobs', '2'], { cwd: root, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    // killed once some cases are judged and another one is under way
    for (let i = 0; i < 1200 && !(judged(runs).length >= 3 && runFolders(runs).length > judged(runs).length); i++) await sleep(50);
    expect(judged(runs).length).toBeGreaterThanOrEqual(3);
    child.kill('SIGKILL');
    await exited;
    const torn = runFolders(runs).length - judged(runs).length;
    expect(torn).toBeGreaterThan(0);
    const pids = casePids(runs);
    expect(pids.length).toBeGreaterThan(0);
    // nothing of that gate stays alive (the world leaves with its IPC channel, a worker once its parent is gone)
    for (let i = 0; i < 100 && pids.some(alive); i++) await sleep(50);
    expect(pids.filter(alive)).toEqual([]);

    const keptBefore = judged(runs);
    const resumed = await ordeal(['gate', '--config', config, '--out', out, '--resume', '--jobs', '2']);
    expect(resumed.code, resumed.stderr).toBe(uninterrupted.code);
    expect(resumed.stderr).toContain(`resuming: ${keptBefore.length} of 12 case(s) already judged are kept; ${torn} torn case(s) moved to`);
    // the kept cases were not run again, the torn ones are out of the report's way
    expect(judged(runs).filter((n) => keptBefore.includes(n))).toEqual(keptBefore);
    expect(runFolders(runs)).toHaveLength(12);
    expect(runFolders(join(runs, '.incomplete'))).toHaveLength(torn);
    // same cases, same verdicts, same gate verdict
    expect(await matrixOf(runs)).toEqual(await matrixOf(join(whole, 'runs')));
    const violations = (s: string) =>
      s
        .split('\n')
        .filter((l) => /^ {2}\S/.test(l))
        .sort();
    expect(violations(resumed.stdout)).toEqual(violations(uninterrupted.stdout));
    expect(resumed.stdout).toMatch(/FAILED — \d+ violation\(s\) in \d+ of 12 case\(s\)/);
  }, 900_000);

  it('run --resume without a matrix to resume runs it whole; --resume keeps a finished matrix as it is', async () => {
    const out = tempDir();
    const args = ['run', '--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--seed', '9', '--out', out, '--json'];
    const first = await ordeal([...args, '--resume']);
    expect(first.code, first.stderr).toBe(0);
    const again = await ordeal([...args.filter((a) => a !== '--seed' && a !== '9'), '--resume']);
    expect(again.code, again.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as { seed: number; cases: { runDir: string }[] };
    const b = JSON.parse(again.stdout) as { seed: number; cases: { runDir: string }[] };
    expect(b.seed).toBe(9); // the seed the matrix ran with, read from its run folder
    expect(b.cases.map((c) => c.runDir)).toEqual(a.cases.map((c) => c.runDir));
    expect(runFolders(out)).toHaveLength(1);
  }, 300_000);
});
