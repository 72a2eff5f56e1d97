// Leases: two workers never run one instance at once; a dead owner's lease is taken at once, a live one's never.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, sandbox, type Sandbox } from './helpers.js';
import type { Runtime } from '../../../../../adapters/reference/runtime/index.js';

let sb: Sandbox;
beforeEach(() => void (sb = sandbox()));
afterEach(() => sb.cleanup());

describe('reference runtime leases', () => {
  it('lets only one of two competing workers run an instance that outlives several lease periods', async () => {
    const runs: Record<string, number> = {};
    let concurrent = 0;
    let maxConcurrent = 0;
    const define = (rt: Runtime) =>
      rt.register('long', async (ctx) => {
        for (let i = 0; i < 8; i++) {
          await ctx.step(`s${i}`, async () => {
            runs[`s${i}`] = (runs[`s${i}`] ?? 0) + 1;
            maxConcurrent = Math.max(maxConcurrent, ++concurrent);
            await new Promise((resolve) => setTimeout(resolve, 300));
            concurrent--;
          });
        }
        return ctx.instanceId;
      });
    // lease periods long enough that a loaded machine's event-loop stalls do not expire a renewed lease
    const a = sb.open({ workerId: 'A', leaseMs: 800 });
    const b = sb.open({ workerId: 'B', leaseMs: 800 });
    define(a);
    define(b);
    sb.worker(a, 5);
    sb.worker(b, 5);
    a.start('one', 'long', null);
    const state = await a.wait('one', { timeoutMs: 20_000 });
    expect(state.status).toBe('completed');
    expect(state.attempts).toBe(1);
    expect(runs).toEqual({ s0: 1, s1: 1, s2: 1, s3: 1, s4: 1, s5: 1, s6: 1, s7: 1 });
    expect(maxConcurrent).toBe(1);
  });

  it('stops a worker whose lease was taken from it before it can journal anything', async () => {
    const a = sb.open({ workerId: 'A', leaseMs: 60_000 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    a.register('wf', async (ctx) => {
      await ctx.step('held', () => gate);
      return 'A finished';
    });
    sb.worker(a);
    a.start('i1', 'wf', null);
    await eventually(() => a.journal('i1')[0]?.state === 'started');
    // Simulate another worker winning the lease (as after a long GC pause): rewrite the owner.
    const raw = new Database(sb.db);
    raw.pragma('busy_timeout = 5000');
    raw.prepare("UPDATE instances SET owner = 'B' WHERE id = 'i1'").run();
    raw.close();
    release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.journal('i1')[0]?.state).toBe('started');
    expect(a.status('i1')).toMatchObject({ status: 'running', owner: 'B' });
  });

  it('does not take over the lease of a live owner, but does once it is released', async () => {
    const a = sb.open({ workerId: 'A', leaseMs: 60_000 });
    const ran: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    a.register('wf', async (ctx) => {
      await ctx.step('first', async () => {
        ran.push('first');
        await gate;
      });
      await ctx.step('second', () => void ran.push('second'));
      return 'ok';
    });
    const wa = a.runWorker({ pollMs: 5 });
    a.start('i1', 'wf', null);
    await eventually(() => ran.length === 1);

    const b = sb.open({ workerId: 'B', leaseMs: 60_000 });
    const ranB: string[] = [];
    b.register('wf', async (ctx) => {
      await ctx.step('first', () => void ranB.push('first'));
      await ctx.step('second', () => void ranB.push('second'));
      return 'ok';
    });
    sb.worker(b, 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ranB).toEqual([]); // same pid, live owner: never stolen

    const stopping = wa.stop(); // halts at the next ctx call and releases the lease
    release();
    await stopping;
    const state = await b.wait('i1');
    expect(state.status).toBe('completed');
    expect(ran).toEqual(['first']);
    expect(ranB).toEqual(['second']);
  });
});
