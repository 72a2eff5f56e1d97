import { describe, expect, it } from 'vitest';
import { recoveries, recovery } from '../../../../harness/checks/recovery.js';
import type { Op, RunRecord } from '../../../../harness/store/types.js';
import { run } from './fixtures.js';

/** One op of a history written by hand. */
const op = (index: number, time: number, process: string, f: string, type: Op['type'], value: Record<string, unknown> = {}, id?: string): Op => ({
  index,
  time,
  process,
  f,
  type,
  value,
  ...(id ? { id } : {}),
});

const fault = (b: ReturnType<typeof run>, id = 'fault-0') =>
  b.op('fault', 'invoke', { fault: 'kill-worker', at: 'after-effect:1', index: 0 }, id, 'nemesis');

describe('recovery', () => {
  it('measures the time from a fault to the next progress of the run', () => {
    const b = run().start().llm(0);
    fault(b); // op 3, t=1030
    b.kill().start(); // ops 4, 5
    b.probe('step:journaled', 1); // op 6, t=1060: progress
    const res = recovery.check(b.build());
    expect(res).toEqual({ valid: true, anomalies: [], metrics: { disruptions: 1, maxRecoveryMs: 30, meanRecoveryMs: 30 } });
  });

  it('flags a run that never progressed after a fault and did not complete', () => {
    const b = run().start().llm(0);
    fault(b);
    b.kill().outcome({ status: 'running' });
    const res = recovery.check(b.build());
    expect(res.valid).toBe(false);
    expect(res.anomalies).toEqual([
      { kind: 'no-recovery', message: 'The run made no progress after fault kill-worker@after-effect:1 (op #3).', witnesses: { ops: [3] } },
    ]);
  });

  it('counts a worker that crashed on its own, naming the death and the progress that ended it; slow is for the gate to judge', () => {
    const b = run().start();
    b.op('death', 'info', { pid: 101, code: 1, signal: null, expected: false });
    b.start().llm(0);
    const res = recovery.check(b.build());
    expect(res.metrics).toMatchObject({ disruptions: 1, maxRecoveryMs: 30 });
    expect(res.valid).toBe(true);
    expect(recoveries(b.build().history)).toEqual([{ op: 1, label: 'the death of worker#1', progressOp: 4, ms: 30 }]);
  });

  it('measures a kill to the new worker’s first progress, and ignores the stop at the end of the case', () => {
    const history = [
      op(0, 0, 'worker#1', 'start', 'info', { pid: 1 }),
      op(1, 100, 'nemesis', 'fault', 'invoke', { fault: 'kill-worker', at: 'step:3' }),
      op(2, 110, 'worker#1', 'death', 'info', { pid: 1, signal: 'SIGKILL', expected: true }),
      op(3, 120, 'worker#2', 'start', 'info', { pid: 2 }),
      op(4, 121, 'nemesis', 'fault', 'ok', { fault: 'kill-worker' }),
      op(5, 300, 'worker#2', 'probe', 'info', { point: 'worker:ready' }),
      op(6, 350, 'worker#2', 'llm', 'ok', { turn: 1 }),
      op(7, 900, 'worker#2', 'death', 'info', { pid: 2, code: 0, expected: true }),
    ];
    expect(recoveries(history)).toEqual([{ op: 1, label: 'fault kill-worker@step:3', progressOp: 6, ms: 250 }]);
  });

  it('does not count what a worker the fault stops does before it dies: a deploy whose new worker never progresses is no recovery', () => {
    // the deploy's SIGTERM leaves version 1's worker up to 3 s: it journals one more step before it exits
    const history = [
      op(0, 0, 'worker#1', 'start', 'info', { pid: 1 }),
      op(1, 100, 'nemesis', 'fault', 'invoke', { fault: 'deploy', at: 'step:3' }, 'fault-0'),
      op(2, 129, 'worker#1', 'probe', 'info', { point: 'step:journaled', step: 4 }),
      op(3, 1000, 'worker#1', 'death', 'info', { pid: 1, code: 0, expected: true }),
      op(4, 1003, 'worker#2', 'start', 'info', { pid: 2 }),
      op(5, 1004, 'nemesis', 'fault', 'ok', { fault: 'deploy' }, 'fault-0'),
      op(6, 4800, 'orchestrator', 'outcome', 'info', { status: 'failed', error: 'NonDeterminismError' }),
    ];
    expect(recoveries(history)).toEqual([{ op: 1, label: 'fault deploy@step:3' }]);
    expect(recovery.check({ history } as unknown as RunRecord).anomalies.map((a) => a.kind)).toEqual(['no-recovery']);
    // the new worker's progress counts; so does the old worker's after the fault was done with it (it was not stopped)
    const onV2 = [...history.slice(0, 6), op(6, 4000, 'worker#2', 'llm', 'ok', { turn: 1 })];
    expect(recoveries(onV2)).toEqual([{ op: 1, label: 'fault deploy@step:3', progressOp: 6, ms: 3900 }]);
    const notStopped = [history[0]!, history[1]!, history[2]!, op(3, 130, 'nemesis', 'fault', 'ok', { fault: 'deploy' }, 'fault-0')];
    expect(recoveries(notStopped)).toEqual([{ op: 1, label: 'fault deploy@step:3', progressOp: 2, ms: 29 }]);
  });

  it('counts an engine process or a companion that stopped on its own (its service manager restarts it), not the world', () => {
    const history = [
      op(0, 0, 'engine#1', 'start', 'info', { pid: 1 }),
      op(1, 10, 'worker#1', 'llm', 'ok', { turn: 0 }),
      op(2, 100, 'engine#1', 'death', 'info', { pid: 1, code: 1, expected: false }),
      op(3, 600, 'engine#2', 'start', 'info', { pid: 3 }),
      op(4, 900, 'worker#1', 'llm', 'ok', { turn: 1 }),
      op(5, 950, 'scheduler#1', 'death', 'info', { pid: 4, code: 1, expected: false }),
      op(6, 1000, 'world', 'death', 'info', { pid: 5, code: 1, expected: false }),
    ];
    expect(recoveries(history)).toEqual([
      { op: 2, label: 'the death of engine#1', progressOp: 4, ms: 800 },
      { op: 5, label: 'the death of scheduler#1' },
    ]);
  });

  it('a calm run has no disruptions; a damaged run does not throw', () => {
    expect(recovery.check(run().start().llm(0).build())).toEqual({ valid: true, anomalies: [], metrics: { disruptions: 0 } });
    expect(recovery.check({} as RunRecord).valid).toBe(true);
  });
});
