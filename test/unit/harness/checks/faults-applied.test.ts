import { describe, expect, it } from 'vitest';
import { faultsApplied } from '../../../../harness/checks/index.js';
import { run } from './fixtures.js';

describe('faults-applied', () => {
  it('is valid when every fault that fired also healed', () => {
    const r = run();
    r.op('fault', 'invoke', { fault: 'kill-worker', at: 'after-effect:1', index: 0 }, 'fault-0', 'nemesis');
    r.op('fault', 'ok', { fault: 'kill-worker', at: 'after-effect:1', index: 0 }, 'fault-0', 'nemesis');
    const res = faultsApplied.check(r.build());
    expect(res.valid).toBe(true);
    expect(res.metrics.fired).toBe(1);
  });

  it('makes the verdict unknown when a fault could not be applied, pointing at the failed op', () => {
    const r = run();
    r.op('fault', 'invoke', { fault: 'kill-engine', at: 'approval:waiting', index: 0 }, 'fault-0', 'nemesis');
    const failed = r.op(
      'fault',
      'fail',
      { fault: 'kill-engine', at: 'approval:waiting', index: 0, error: 'no engine named moon' },
      'fault-0',
      'nemesis',
    );
    const res = faultsApplied.check(r.build());
    expect(res.valid).toBe('unknown');
    expect(res.anomalies[0]).toMatchObject({ kind: 'fault-failed', witnesses: { ops: [failed] } });
    expect(res.anomalies[0]!.message).toContain('no engine named moon');
  });

  it('does not throw on a run without a history', () => {
    expect(faultsApplied.check({} as never).valid).toBe(true);
  });
});
