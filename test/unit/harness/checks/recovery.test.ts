import { describe, expect, it } from 'vitest';
import { recovery } from '../../../../harness/checks/recovery.js';
import type { RunRecord } from '../../../../harness/store/types.js';
import { run } from './fixtures.js';

const fault = (b: ReturnType<typeof run>, id = 'fault-0') => b.op('fault', 'invoke', { fault: 'kill-worker', at: 'after-effect:1', index: 0 }, id, 'nemesis');

describe('recovery', () => {
  it('measures the time from a fault to the next progress of the run', () => {
    const b = run().start().llm(0);
    fault(b); // op 3, t=1030
    b.kill().start(); // ops 4, 5
    b.probe('step:journaled', 1); // op 6, t=1060: progress
    const res = recovery().check(b.build());
    expect(res).toEqual({ valid: true, anomalies: [], metrics: { disruptions: 1, maxRecoveryMs: 30, meanRecoveryMs: 30 } });
  });

  it('flags a run that never progressed after a fault and did not complete', () => {
    const b = run().start().llm(0);
    fault(b);
    b.kill().outcome({ status: 'running' });
    const res = recovery().check(b.build());
    expect(res.valid).toBe(false);
    expect(res.anomalies).toEqual([
      { kind: 'no-recovery', message: 'The run made no progress after fault kill-worker@after-effect:1 (op #3).', witnesses: { ops: [3] } },
    ]);
  });

  it('counts a worker that crashed on its own, and flags a recovery slower than the bound', () => {
    const b = run().start();
    b.op('death', 'info', { pid: 101, code: 1, signal: null, expected: false });
    b.start().llm(0);
    const res = recovery({ maxRecoveryMs: 10 }).check(b.build());
    expect(res.metrics).toMatchObject({ disruptions: 1, maxRecoveryMs: 30 });
    expect(res.anomalies.map((a) => [a.kind, a.witnesses.ops])).toEqual([['slow-recovery', [1, 4]]]);
    expect(() => recovery({ maxRecoveryMs: -1 })).toThrow(/maxRecoveryMs/);
  });

  it('a calm run has no disruptions; a damaged run does not throw', () => {
    expect(recovery().check(run().start().llm(0).build())).toEqual({ valid: true, anomalies: [], metrics: { disruptions: 0 } });
    expect(recovery().check({} as RunRecord).valid).toBe(true);
  });
});
