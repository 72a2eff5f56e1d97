/**
 * Harness failures are the harness's: the world dying mid-case ends the case at once with exit 3 and its death in the
 * history (not a verdict against the agent), and a SIGKILLed orchestrator leaves no process of its run, Toxiproxy included.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordealBin, root, tempDir } from '../helpers/cli.js';
import { engineInstalled } from '../helpers/run-folder.js';

const toxiproxy = engineInstalled('toxiproxy');

/** Every process whose environment carries `mark`: one ordeal command and everything it started. */
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

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A refund run whose human takes a minute to answer: the case is surely mid-run when we strike. */
function slowScenario(dir: string): string {
  const s = JSON.parse(readFileSync(join(root, 'scenarios/refund-agent.json'), 'utf8')) as Record<string, unknown>;
  const file = join(dir, 'slow-human.json');
  writeFileSync(file, JSON.stringify({ ...s, name: 'slow-human', human: { decision: 'approve', delayMs: 60_000 } }));
  return file;
}

interface Op {
  process: string;
  f: string;
  pid?: number;
  value: Record<string, unknown>;
}

/**
 * Starts an ordeal command marked with a fresh id (by default `run` of the slow scenario, `--out` a fresh directory),
 * and waits until the slow scenario's agent waits for approval. One case at a time (`--jobs 1`): what was finished when
 * the signal came is then known (--jobs itself: jobs.test.ts).
 */
async function startMidRun(extra: string[], command = (slow: string, out: string) => ['run', '--scenario', slow, '--out', out]) {
  const out = tempDir();
  const runs = join(out, 'out');
  const mark = randomUUID();
  const child = spawn(process.execPath, [ordealBin, ...command(slowScenario(out), runs), '--jobs', '1', ...extra], {
    env: { ...process.env, ORDEAL_TEST_MARK: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  let runDir = '';
  const history = (): Op[] =>
    existsSync(join(runDir, 'history.jsonl'))
      ? readFileSync(join(runDir, 'history.jsonl'), 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as Op)
      : [];
  const folders = () => (existsSync(join(runs, 'runs')) ? join(runs, 'runs') : runs); // gate writes its run folders in runs/
  await until('the agent waits for approval', () => {
    const d = existsSync(folders()) ? readdirSync(folders()).find((n) => n.includes('slow-human')) : undefined;
    if (!d) return false;
    runDir = join(folders(), d);
    return history().some((o) => o.f === 'probe' && (o.value as { point?: string }).point === 'approval:waiting');
  });
  return { child, exited, runDir, runs, history, mark: `ORDEAL_TEST_MARK=${mark}`, stderr: () => stderr, stdout: () => stdout };
}

describe('harness failures', () => {
  it('the world killed mid-case: exit 3 with ORD-340, its death in the history, no verdict against the agent', async () => {
    const run = await startMidRun([]);
    const world = run.history().find((o) => o.process === 'world' && o.f === 'start')!;
    expect(world.pid).toBeGreaterThan(0);
    process.kill(world.pid!, 'SIGKILL');
    expect(await run.exited).toBe(3);
    expect(run.stderr()).toMatch(/the world process \(pid \d+\) died mid-case .*\[ORD-340\]/);
    expect(run.stderr()).not.toMatch(/internal error|INVALID/);
    const ops = run.history();
    expect(ops.find((o) => o.process === 'world' && o.f === 'death')?.value).toMatchObject({ signal: 'SIGKILL', expected: false });
    expect(ops.at(-1)?.f).toBe('outcome');
    expect(String(ops.at(-1)?.value.error)).toMatch(/^harness: the world process/);
    const info = JSON.parse(readFileSync(join(run.runDir, 'run.json'), 'utf8')) as { error?: string };
    expect(info.error).toMatch(/died mid-case/);
    expect(existsSync(join(run.runDir, 'verdict.json'))).toBe(false);
    await until('nothing of the run is left', () => marked(run.mark).length === 0, 10_000);
  });

  /** Each adapter with the engine process it starts: reference has none, so Toxiproxy is the process that used to outlive it. */
  const killed: { adapter: string; engine: string; process: string; fault: string }[] = [
    { adapter: 'reference', engine: 'toxiproxy', process: 'toxiproxy', fault: 'net-latency@llm-call:1,target=world,ms=100' },
    { adapter: 'temporal', engine: 'temporal', process: 'temporal', fault: 'net-latency@llm-call:1,target=engine,ms=100' },
    { adapter: 'restate', engine: 'restate', process: 'restate-server', fault: 'net-latency@llm-call:1,target=engine,ms=100' },
  ];
  it.each(killed.filter((k) => toxiproxy.installed && engineInstalled(k.engine).installed).map((k) => [k.adapter, k] as const))(
    'a SIGKILLed orchestrator (%s adapter, net fault) leaves no process of its run',
    async (_name, k) => {
      const run = await startMidRun(['--adapter', k.adapter, '--fault', k.fault]);
      const commands = marked(run.mark).map((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'latin1');
        } catch {
          return '';
        }
      });
      for (const name of [k.process, 'toxiproxy', 'world/main.js'])
        expect(
          commands.some((c) => c.includes(name)),
          name,
        ).toBe(true);
      run.child.kill('SIGKILL');
      await run.exited;
      await until('nothing of the run is left', () => marked(run.mark).length === 0, 10_000);
    },
  );

  it('SIGINT of run prints the verdicts of the cases that finished, and exits 130', async () => {
    const run = await startMidRun([], (slow, out) => [
      'run',
      '--scenario',
      'refund-agent',
      '--scenario',
      slow,
      '--fault',
      'kill-worker@after-effect:1',
      '--out',
      out,
    ]);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stdout()).toMatch(/refund-agent +reference +framework +kill-worker@after-effect:1 +valid/);
    expect(run.stdout()).toContain('Interrupted: 1 of 2 case(s) finished');
    expect(run.stderr()).not.toMatch(/internal error|\n\s+at /);
    await until('nothing of the run is left', () => marked(run.mark).length === 0, 10_000);
  });

  it('SIGINT of gate writes the reports of the cases that finished', async () => {
    const run = await startMidRun([], (slow, out) => {
      const config = join(dirname(slow), 'gate.json');
      writeFileSync(config, JSON.stringify({ adapters: ['reference'], scenarios: ['refund-agent', slow], schedules: ['none'] }));
      return ['gate', '--config', config, '--out', out];
    });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stdout()).toMatch(/ordeal gate: INTERRUPTED after 1 of 2 case\(s\), 0 failing/);
    const junit = readFileSync(join(run.runs, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(1);
    expect(existsSync(join(run.runs, 'report.html'))).toBe(true);
    expect(readFileSync(join(run.runs, 'report.md'), 'utf8')).toContain('refund-agent');
  });

  it('SIGINT of check removes the case folders it would have removed, the one cut short included', async () => {
    const run = await startMidRun([], (slow, out) => ['check', '--scenario', slow, '--runs', '5', '--seed', '1', '--out', out]);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stdout()).toMatch(/interrupted after 0 case\(s\), 0 failing \(seed 1\); the other 1 case folders were removed/);
    expect(readdirSync(run.runs)).toEqual([]);
  });
});
