// SIGKILL of a real worker process: journaled steps never run again, an interrupted step re-runs as attempt 2.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntime } from '../../../../../adapters/reference/runtime/index.js';
import { sideLines } from './fixtures/workflows.mjs';
import { spawnWorker } from './fixtures/spawn-worker.js';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'ref-kill-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('reference runtime under SIGKILL', () => {
  it('never re-executes a step journaled before the kill', async () => {
    const db = join(dir, 'journal.db');
    const side = join(dir, 'side.log');
    const k = 2;
    const start = [{ id: 'i1', workflow: 'chain', input: { steps: 6 } }];
    const first = spawnWorker({ db, side, holdAfterSeq: k, start });
    await first.lines(new RegExp(`^JOURNALED i1 ${k}$`));
    await first.kill();

    // The new process has a long lease but must take over at once: the old owner's pid is dead.
    const second = spawnWorker({ db, side, waitFor: ['i1'] });
    await second.lines(/^DONE$/);
    expect(await second.exited).toBe(0);

    const text = readFileSync(side, 'utf8');
    for (let i = 0; i < 6; i++) expect(sideLines(text, 'i1', `s${i}`), `s${i}`).toHaveLength(1);
    const rt = openRuntime({ path: db });
    const state = rt.status('i1');
    expect(state?.status).toBe('completed');
    expect(state?.result).toEqual([0, 1, 2, 3, 4, 5]);
    expect(state?.attempts).toBe(2);
    rt.close();
  }, 30_000);

  it('re-executes a step killed mid-flight as attempt 2 with the same idempotency key', async () => {
    const db = join(dir, 'journal.db');
    const side = join(dir, 'side.log');
    const first = spawnWorker({ db, side, holdInStep: 2, start: [{ id: 'i1', workflow: 'chain', input: { steps: 4 } }] });
    await first.lines(/^IN_STEP i1 2$/);
    await first.kill();

    const rt = openRuntime({ path: db });
    const started = rt.journal('i1').find((e) => e.seq === 2);
    expect(started).toMatchObject({ name: 's2', state: 'started', attempt: 1 });
    rt.close();

    const second = spawnWorker({ db, side, waitFor: ['i1'] });
    await second.lines(/^DONE$/);

    const text = readFileSync(side, 'utf8');
    expect(sideLines(text, 'i1', 's0')).toHaveLength(1);
    expect(sideLines(text, 'i1', 's1')).toHaveLength(1);
    const s2 = sideLines(text, 'i1', 's2');
    expect(s2.map((l) => / attempt=(\d+)/.exec(l)?.[1])).toEqual(['1', '2']);
    expect(s2.every((l) => l.includes(' key=i1:2 '))).toBe(true);
    expect(sideLines(text, 'i1', 's3')).toHaveLength(1);
    // attempt numbers are kept only while the instance is unfinished
    expect(readdirSync(`${db}-attempts`)).toEqual([]);
  }, 30_000);

  it('counts attempts interrupted by kills towards maxAttempts: a step that always crashes its worker fails the instance', async () => {
    const db = join(dir, 'journal.db');
    const side = join(dir, 'side.log');
    const start = [{ id: 'i1', workflow: 'chain', input: { steps: 3 } }];
    // the default policy allows 5 attempts: five workers die inside s1
    for (let i = 0; i < 5; i++) {
      const w = spawnWorker({ db, side, holdInStep: 1, holdEveryAttempt: true, ...(i === 0 ? { start } : {}) });
      await w.lines(/^IN_STEP i1 1$/);
      await w.kill();
    }
    const last = spawnWorker({ db, side, holdInStep: 1, holdEveryAttempt: true, waitFor: ['i1'] });
    await last.lines(/^DONE$/);

    const text = readFileSync(side, 'utf8');
    expect(sideLines(text, 'i1', 's1').map((l) => / attempt=(\d+)/.exec(l)?.[1])).toEqual(['1', '2', '3', '4', '5']);
    expect(sideLines(text, 'i1', 's2')).toEqual([]);
    const rt = openRuntime({ path: db });
    expect(rt.status('i1')).toMatchObject({ status: 'failed', attempts: 6, error: { name: 'StepFailedError' } });
    expect(rt.journal('i1').find((e) => e.seq === 1)).toMatchObject({ state: 'failed', attempt: 6 });
    rt.close();
  }, 60_000);

  it("recovers many unfinished instances: the killed worker's and never-started ones", async () => {
    const db = join(dir, 'journal.db');
    const side = join(dir, 'side.log');
    const crashed = Array.from({ length: 25 }, (_, i) => `c${i}`);
    const first = spawnWorker({
      db,
      side,
      holdInStep: 1,
      start: crashed.map((id) => ({ id, workflow: 'chain', input: { steps: 3 } })),
    });
    await first.lines(/^IN_STEP c\d+ 1$/, crashed.length);
    await first.kill();

    const pending = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const rt = openRuntime({ path: db });
    for (const id of pending) rt.start(id, 'chain', { steps: 3 });
    rt.close();

    const second = spawnWorker({ db, side, concurrency: 8, waitFor: [...crashed, ...pending] });
    await second.lines(/^DONE$/);

    const text = readFileSync(side, 'utf8');
    const check = openRuntime({ path: db });
    for (const id of crashed) {
      expect(check.status(id)?.status, id).toBe('completed');
      expect(sideLines(text, id, 's0'), id).toHaveLength(1);
      expect(sideLines(text, id, 's1'), id).toHaveLength(2);
      expect(sideLines(text, id, 's2'), id).toHaveLength(1);
    }
    for (const id of pending) {
      expect(check.status(id)?.status, id).toBe('completed');
      for (const s of ['s0', 's1', 's2']) expect(sideLines(text, id, s), `${id} ${s}`).toHaveLength(1);
    }
    check.close();
  }, 60_000);
});
