// Group commit: concurrent steps share one transaction and fdatasync, yet each is journaled once and never redone once on disk.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntime } from '../../../../../adapters/reference/runtime/index.js';
import { registerWorkflows, sideLines } from './fixtures/workflows.mjs';
import { spawnWorker } from './fixtures/spawn-worker.js';
import { sandbox, type Sandbox } from './helpers.js';

const N = 12;
let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'ref-group-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The value each step p_i returned live, from the side file, in call order. */
function liveValues(text: string, id: string): unknown[] {
  return Array.from({ length: N }, (_, i) => {
    const lines = sideLines(text, id, `p${i}`);
    expect(lines, `p${i}`).toHaveLength(1);
    return JSON.parse(/ value=(\S+)/.exec(lines[0] as string)?.[1] ?? 'null');
  });
}

describe('reference runtime group commit', () => {
  let box: Sandbox;
  beforeEach(() => void (box = sandbox()));
  afterEach(() => box.cleanup());

  it('journals every concurrent step of several instances exactly once, in call order', async () => {
    const side = join(box.dir, 'side.log');
    const rt = box.open();
    registerWorkflows(rt, { side });
    for (const id of ['a', 'b', 'c']) rt.start(id, 'fanout', { n: N });
    box.worker(rt);
    const text = async () => readFileSync(side, 'utf8');
    for (const id of ['a', 'b', 'c']) {
      const state = await rt.wait(id);
      expect(state.status).toBe('completed');
      expect(state.result).toEqual(Array.from({ length: N }, (_, i) => ({ i, pid: process.pid })));
      const rows = rt.journal(id);
      expect(rows.map((r) => [r.seq, r.name, r.state, r.attempt])).toEqual([
        ...Array.from({ length: N }, (_, i) => [i, `p${i}`, 'done', 1]),
        [N, 'after', 'done', 1],
      ]);
      expect(liveValues(await text(), id)).toEqual(state.result);
    }
  });
});

describe('reference runtime group commit of a lone step', () => {
  let box: Sandbox;
  beforeEach(() => void (box = sandbox()));
  afterEach(() => box.cleanup());

  it('commits a step that no other running step could join once the microtasks are done, before the next setImmediate', async () => {
    const order: string[] = [];
    const rt = box.open({ hooks: { onStepJournaled: (e) => void order.push(`journaled ${e.name}`) } });
    rt.register('lone', async (ctx) => {
      await ctx.step('one', () => {
        setImmediate(() => order.push('immediate'));
        return 1;
      });
      return order.slice();
    });
    rt.start('l1', 'lone', null);
    box.worker(rt);
    const state = await rt.wait('l1');
    expect(state.status).toBe('completed');
    expect(state.result).toEqual(['journaled one']); // on disk before the step's own setImmediate ran
    expect(rt.journal('l1')).toMatchObject([{ seq: 0, name: 'one', state: 'done', attempt: 1, value: 1 }]);
  });
});

describe('reference runtime group commit under SIGKILL', () => {
  it('never re-executes concurrent steps once their group commit is on disk; replay returns the same values in order', async () => {
    const db = join(dir, 'journal.db');
    const side = join(dir, 'side.log');
    // Held in onStepJournaled of p0: the whole batch has been committed by then.
    const first = spawnWorker({ db, side, holdAfterSeq: 0, start: [{ id: 'i1', workflow: 'fanout', input: { n: N } }] });
    await first.lines(/^JOURNALED i1 0$/);
    await first.kill();

    const rt = openRuntime({ path: db });
    expect(rt.journal('i1').map((r) => [r.seq, r.state, r.attempt])).toEqual(Array.from({ length: N }, (_, i) => [i, 'done', 1]));
    rt.close();
    const live = liveValues(readFileSync(side, 'utf8'), 'i1');
    expect(sideLines(readFileSync(side, 'utf8'), 'i1', 'seen')).toHaveLength(0);

    const second = spawnWorker({ db, side, waitFor: ['i1'] });
    await second.lines(/^DONE$/);
    expect(await second.exited).toBe(0);

    const text = readFileSync(side, 'utf8');
    expect(liveValues(text, 'i1')).toEqual(live); // each step ran once, in the killed worker
    const seen = sideLines(text, 'i1', 'seen');
    expect(seen).toHaveLength(1);
    expect(JSON.parse(/ value=(\S+)/.exec(seen[0] as string)?.[1] ?? 'null')).toEqual(live);
    const check = openRuntime({ path: db });
    expect(check.status('i1')).toMatchObject({ status: 'completed', result: live, attempts: 2 });
    check.close();
  }, 30_000);

  it('re-executes every concurrent step as attempt 2 when the kill lands before their group commit', async () => {
    const db = join(dir, 'journal.db');
    const side = join(dir, 'side.log');
    const first = spawnWorker({ db, side, killBeforeCommit: true, start: [{ id: 'i1', workflow: 'fanout', input: { n: N } }] });
    expect(await first.exited).toBe(null); // killed by its own SIGKILL

    const rt = openRuntime({ path: db });
    expect(rt.journal('i1').map((r) => [r.seq, r.state, r.attempt])).toEqual(Array.from({ length: N }, (_, i) => [i, 'started', 1]));
    rt.close();
    const before = readFileSync(side, 'utf8');
    for (let i = 0; i < N; i++) expect(sideLines(before, 'i1', `p${i}`), `p${i}`).toHaveLength(1);

    const second = spawnWorker({ db, side, waitFor: ['i1'] });
    await second.lines(/^DONE$/);
    const text = readFileSync(side, 'utf8');
    const pid = second.child.pid;
    for (let i = 0; i < N; i++) {
      const lines = sideLines(text, 'i1', `p${i}`);
      expect(
        lines.map((l) => / attempt=(\d+)/.exec(l)?.[1]),
        `p${i}`,
      ).toEqual(['1', '2']);
      expect(lines.every((l) => l.includes(` key=i1:${i} `))).toBe(true);
    }
    const expected = Array.from({ length: N }, (_, i) => ({ i, pid }));
    const check = openRuntime({ path: db });
    expect(check.status('i1')).toMatchObject({ status: 'completed', result: expected, attempts: 2 });
    expect(check.journal('i1').map((r) => [r.seq, r.state, r.attempt])).toEqual([
      ...Array.from({ length: N }, (_, i) => [i, 'done', 2]),
      [N, 'done', 1],
    ]);
    check.close();
  }, 30_000);
});
