import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordealBin, root, tempDir } from '../helpers/cli.js';
import { readRunFolder } from '../../harness/store/index.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A refund run whose human takes a minute to answer: the case is surely mid-run when we strike. */
function slowScenario(dir: string): string {
  const s = JSON.parse(readFileSync(join(root, 'scenarios/refund-agent.json'), 'utf8')) as Record<string, unknown>;
  const file = join(dir, 'slow-human.json');
  writeFileSync(file, JSON.stringify({ ...s, name: 'slow-human', human: { decision: 'approve', delayMs: 60_000 } }));
  return file;
}

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `ordeal run`, waits until the agent is waiting for approval, and returns the run folder and the pids it started (checked alive). */
async function startMidRun() {
  const out = tempDir();
  const child = spawn(process.execPath, [ordealBin, 'run', '--scenario', slowScenario(out), '--out', out], { stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  let runDir = '';
  /** The processes the case started, as its history's start ops name them. */
  const started = () => {
    const h = join(runDir, 'history.jsonl');
    if (!runDir || !existsSync(h)) return [];
    return readFileSync(h, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"f":"start"'))
      .map((l) => JSON.parse(l) as { process: string; pid: number });
  };
  await until('the agent waits for approval', () => {
    const d = readdirSync(out).find((n) => n.includes('slow-human'));
    if (!d) return false;
    runDir = join(out, d);
    return existsSync(join(runDir, 'history.jsonl')) && readFileSync(join(runDir, 'history.jsonl'), 'utf8').includes('approval:waiting');
  });
  const processes = started();
  const pids = processes.map((p) => p.pid);
  try {
    // what the tests below see gone must have been there: the world and the worker, both alive mid-run
    expect(processes.map((p) => p.process)).toEqual(['world', 'worker#1']);
    expect(pids.every((p) => Number.isInteger(p) && p > 0)).toBe(true);
    expect(pids.filter(alive)).toEqual(pids);
  } catch (e) {
    child.kill('SIGINT');
    throw e;
  }
  return { child, exited, runDir, pids };
}

describe('no process outlives the orchestrator', () => {
  it('SIGINT mid-run stops the world and the worker and leaves a readable, incomplete run folder', async () => {
    const { child, exited, runDir, pids } = await startMidRun();
    child.kill('SIGINT');
    const exit = await exited;
    expect(exit.code).toBe(130);
    expect(pids.filter(alive)).toEqual([]);
    const record = readRunFolder(runDir);
    expect(record.complete).toBe(false);
    expect(record.history.some((o) => o.f === 'approval')).toBe(true);
    // every death the interrupt caused, as far as the history got to record it, is the harness's own, the world's
    // included: nothing reads as a crash
    const deaths = record.history.filter((o) => o.f === 'death');
    expect(deaths.filter((o) => (o.value as { expected?: boolean }).expected !== true)).toEqual([]);
  });

  it('SIGTERM mid-run does the same', async () => {
    const { child, exited, pids } = await startMidRun();
    child.kill('SIGTERM');
    expect((await exited).code).toBe(143);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('even a SIGKILLed orchestrator leaves nothing behind: the world and the worker notice and exit', async () => {
    const { child, exited, pids } = await startMidRun();
    child.kill('SIGKILL');
    await exited;
    await until('world and worker exit after the orchestrator died', () => pids.every((p) => !alive(p)));
    expect(pids.filter(alive)).toEqual([]);
  });

  it('an orchestrator SIGKILLed right after it started a process, before its reaper could hear of it, still leaves nothing', async () => {
    // the reaper is still loading when its orchestrator dies: what finds the child is the token in the child's environment
    const script = join(tempDir(), 'kill-self.mjs');
    writeFileSync(
      script,
      `import { spawnGroup } from ${JSON.stringify(join(root, 'dist/harness/launch/index.js'))};
const p = spawnGroup({ name: 'engine', command: 'sleep', args: ['300'] });
process.stdout.write(p.pid + '\\n');
process.kill(process.pid, 'SIGKILL');
`,
    );
    for (let i = 0; i < 3; i++) {
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => child.on('exit', r));
      const pid = Number(out.trim());
      expect(pid).toBeGreaterThan(0);
      await until(`the orphaned sleep ${pid} is killed`, () => !alive(pid));
    }
  });

  it('a fault still waiting out its duration when the case ends heals then and does not keep the command running', async () => {
    const out = tempDir();
    // paused for ten minutes at step 2 of a case that may last 3 s: the command ends with the case, the worker resumed first
    const r = await new Promise<{ code: number | null }>((resolve) => {
      const child = spawn(
        process.execPath,
        [ordealBin, 'run', '--scenario', 'long-chain', '--fault', 'pause-worker@step:2,ms=600000', '--timeout', '3000', '--out', out],
        { stdio: 'ignore' },
      );
      child.on('exit', (code) => resolve({ code }));
    });
    expect(r.code).toBe(1); // the run could not finish in 3 s
    const [dir] = readdirSync(out);
    const history = readRunFolder(join(out, dir!)).history;
    const healed = history.findIndex((o) => o.f === 'fault' && o.type === 'ok');
    const outcome = history.findIndex((o) => o.f === 'outcome');
    expect(healed).toBeGreaterThan(0);
    expect(healed).toBeLessThan(outcome);
  });
});
