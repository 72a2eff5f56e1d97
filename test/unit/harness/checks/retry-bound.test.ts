import { describe, expect, it } from 'vitest';
import { retryBound } from '../../../../harness/checks/retry-bound.js';
import { completion } from '../../../../harness/checks/completion.js';
import { exactlyOnceEffects } from '../../../../harness/checks/exactly-once-effects.js';
import { recovery } from '../../../../harness/checks/recovery.js';
import { workspaceIntegrity } from '../../../../harness/checks/workspace-integrity.js';
import type { RunRecord } from '../../../../harness/store/types.js';
import { eff, run, type RunBuilder } from './fixtures.js';

const REFUND = 'refund:order-1042';

/**
 * A refund whose first `crashed` attempts each crashed the worker (crash-loop, `times`), then, when `through`, one
 * more attempt applied; the adapter's policy allows `policy` attempts.
 */
function crashLooped(o: { times: number; crashed: number; through: boolean; policy?: number; outcome?: 'completed' | 'failed' }): RunRecord {
  const r: RunBuilder = run()
    .expect({ effects: [eff(REFUND), eff('send_email:refund-1042')] })
    .start()
    .llm(0);
  for (let k = 1; k <= o.crashed; k++) {
    r.dropped(REFUND);
    const firing = k > 1 ? { firing: k } : {};
    r.op(
      'fault',
      'invoke',
      { fault: 'crash-loop', at: 'before-effect:1', times: o.times, index: 0, ...firing, call: REFUND },
      `fault-0${k > 1 ? `.${k}` : ''}`,
      'nemesis',
    );
    r.kill().start();
  }
  if (o.through) r.effect(REFUND, 'applied').effect('send_email:refund-1042', 'applied').llm(1);
  r.outcome(o.outcome === 'failed' ? { status: 'failed', error: 'step used its attempts' } : { status: 'completed', answer: 'done' });
  const record = r.build();
  record.info.schedule = [{ fault: 'crash-loop', at: 'before-effect:1', times: o.times }];
  if (o.policy !== undefined) record.info.stepAttempts = o.policy;
  return record;
}

describe('retry-bound and the crash loop that spends a call', () => {
  it('judges nothing without a crash loop', () => {
    expect(retryBound.check(run().start().llm(0).build())).toEqual({ valid: true, anomalies: [], metrics: {} });
  });

  it('a call that went through within the policy is valid, and counts its attempts', () => {
    expect(retryBound.check(crashLooped({ times: 3, crashed: 3, through: true, policy: 6 }))).toEqual({
      valid: true,
      anomalies: [],
      metrics: { attempts: 4, kills: 3, policy: 6 },
    });
  });

  it('a call attempted beyond the policy is a violation naming its attempts, the kills and the policy', () => {
    const r = retryBound.check(crashLooped({ times: 8, crashed: 8, through: true, policy: 6 }));
    expect(r.valid).toBe(false);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['retries-beyond-policy']);
    expect(r.anomalies[0]!.message).toMatch(/^refund:order-1042 was attempted 9 times, beyond the 6 attempts .* 8 of them crashed the worker/);
    expect(r.anomalies[0]!.witnesses.ops).toHaveLength(9);
  });

  it('without a declared policy, attempts are counted and nothing is judged', () => {
    expect(retryBound.check(crashLooped({ times: 8, crashed: 8, through: true }))).toEqual({
      valid: true,
      anomalies: [],
      metrics: { attempts: 9, kills: 8 },
    });
  });

  it('a run that failed once every attempt the policy allows crashed is what the policy asks: complete, owing no effect, recovered', () => {
    const spent = crashLooped({ times: 6, crashed: 6, through: false, policy: 6, outcome: 'failed' });
    for (const c of [retryBound, completion, exactlyOnceEffects, recovery]) expect([c.name, c.check(spent).valid]).toEqual([c.name, true]);
  });

  it('a run that gave up before the policy was spent, or failed with no crash loop to spend it, still failed', () => {
    const early = crashLooped({ times: 6, crashed: 2, through: false, policy: 6, outcome: 'failed' });
    expect(completion.check(early).anomalies.map((a) => a.kind)).toEqual(['failed']);
    expect(exactlyOnceEffects.check(early).anomalies.map((a) => a.kind)).toEqual(['lost', 'lost']);
    const unbounded = crashLooped({ times: 6, crashed: 6, through: false, outcome: 'failed' });
    expect(completion.check(unbounded).valid).toBe(false);
  });

  it('attempts lost to any fault count: a kill-worker on the first and a crash loop of 5 on the rest spend a policy of 6', () => {
    const r = run()
      .expect({ effects: [eff(REFUND)] })
      .start()
      .llm(0)
      .dropped(REFUND);
    r.op('fault', 'invoke', { fault: 'kill-worker', at: 'before-effect:1', index: 0 }, 'fault-0', 'nemesis');
    r.kill().start();
    for (let k = 1; k <= 5; k++) {
      r.dropped(REFUND);
      r.op('fault', 'invoke', { fault: 'crash-loop', at: 'before-effect:2', times: 5, index: 1, firing: k, call: REFUND }, `fault-1.${k}`, 'nemesis');
      r.kill().start();
    }
    const record = r.outcome({ status: 'failed', error: 'spent' }).build();
    record.info.stepAttempts = 6;
    expect(completion.check(record).valid).toBe(true);
    expect(retryBound.check(record)).toEqual({ valid: true, anomalies: [], metrics: { attempts: 6, kills: 5, policy: 6 } });
  });

  it('a spent crash loop still forbids an effect applied twice', () => {
    const r = crashLooped({ times: 6, crashed: 6, through: false, policy: 6, outcome: 'failed' });
    const twice = (seq: number) => ({
      seq,
      time: 1,
      effect: REFUND,
      type: 'refund',
      key: null,
      outcome: 'applied' as const,
      attempt: seq + 1,
      pid: 1,
      args: {},
    });
    r.ledger.push(twice(0), twice(1));
    expect(exactlyOnceEffects.check(r).anomalies.map((a) => a.kind)).toEqual(['duplicate']);
  });

  describe("on a shell command: its attempts are its shell:before probes, a lost one the world's shell:lost note that one was dropped", () => {
    const COMMAND = 'for f in api web; do echo release=2 >> config/$f.env; done';
    const CALL = `shell:${COMMAND}`;
    const EXPECTED = { 'config/api.env': 'release=2\n', 'config/web.env': 'release=2\n' };

    function shellLooped(o: { crashed: number; through: boolean; policy: number }): RunRecord {
      const r = run().expect({ effects: [], workspace: EXPECTED }).start().llm(0);
      for (let k = 1; k <= o.crashed; k++) {
        r.op('probe', 'info', { point: 'shell:before', step: 1, attempt: k, detail: { command: COMMAND } });
        r.op('fault', 'invoke', { fault: 'crash-loop', at: 'shell:1', times: o.crashed, index: 0, firing: k, call: CALL }, `fault-0.${k}`, 'nemesis');
        r.op('probe', 'info', { point: 'shell:lost', reason: 'dropped-before-run', detail: { command: COMMAND } });
        r.kill().start();
      }
      if (o.through) {
        r.op('probe', 'info', { point: 'shell:before', step: 1, attempt: o.crashed + 1, detail: { command: COMMAND } });
        r.workspace(EXPECTED).llm(1).outcome({ status: 'completed', answer: 'done' });
      } else r.workspace({ 'config/api.env': '', 'config/web.env': '' }).outcome({ status: 'failed', error: 'spent' });
      const record = r.build();
      record.info.stepAttempts = o.policy;
      return record;
    }

    it("a command attempted once more than the policy after crashing its worker each time is flagged, the world's drop notes not counted as attempts", () => {
      const r = retryBound.check(shellLooped({ crashed: 6, through: true, policy: 6 }));
      expect(r.anomalies.map((a) => a.kind)).toEqual(['retries-beyond-policy']);
      expect(r.metrics).toEqual({ attempts: 7, kills: 6, policy: 6 });
      expect(r.anomalies[0]!.message).toMatch(/^shell:for f in api web; do .* was attempted 7 times/);
    });

    it('a command whose every allowed attempt crashed spends the run: the failure is expected, and no final workspace is owed', () => {
      const spent = shellLooped({ crashed: 6, through: false, policy: 6 });
      for (const c of [retryBound, completion, exactlyOnceEffects, recovery, workspaceIntegrity])
        expect([c.name, c.check(spent).valid]).toEqual([c.name, true]);
      expect(workspaceIntegrity.check(spent).metrics.spent).toBe(1);
      // one crash fewer than the policy is not spent: the run that failed there failed, and its workspace is judged
      const early = shellLooped({ crashed: 5, through: false, policy: 6 });
      expect(completion.check(early).valid).toBe(false);
      expect(workspaceIntegrity.check(early).anomalies.map((a) => a.kind)).toEqual(['workspace-mismatch', 'workspace-mismatch']);
    });
  });
});
