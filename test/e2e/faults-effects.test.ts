import { describe, expect, it } from 'vitest';
import { between, failures, faultEnds, faultWindow, history, runFault, workerSent } from './fault-cases.js';
import { crashLoopOnRefund } from '../helpers/refund.js';

describe('faults on effects and the model (reference runtime)', () => {
  it('ack-loss: the lost acknowledgement duplicates the refund with --idempotency none, not with framework', async () => {
    const none = await runFault(['refund-agent'], ['ack-loss@after-effect:1'], 'none');
    expect(none.code).toBe(1);
    expect(failures(none.cases[0]!)).toEqual({ 'exactly-once-effects': ['duplicate'], 'approval-integrity': ['acted-more-than-once'] });
    expect(history(none.cases[0]!).some((o) => o.f === 'effect' && o.type === 'info' && o.value.reason === 'reset-after-apply')).toBe(true);
    const fw = await runFault(['refund-agent'], ['ack-loss@after-effect:1'], 'framework');
    expect(fw.code).toBe(0);
    expect(fw.cases[0]!.valid).toBe(true);
  });

  it('crash-loop: each crashed attempt counts against the step policy: three crashes and the fourth refunds; six spend its 6 attempts and the run fails, as the policy says', async () => {
    const three = await runFault(['refund-agent'], ['crash-loop@before-effect:1,times=3']);
    expect(three.code).toBe(0);
    expect(crashLoopOnRefund(three.cases[0]!.runDir)).toEqual({ attempts: 4, kills: 3, status: 'completed', applied: 1, attemptsMetric: 4 });
    const six = await runFault(['refund-agent'], ['crash-loop@before-effect:1,times=6']);
    // the failure is the expected outcome: no checker holds the refund, the email or the answer against it
    expect([six.code, failures(six.cases[0]!)]).toEqual([0, {}]);
    expect(crashLoopOnRefund(six.cases[0]!.runDir)).toEqual({ attempts: 6, kills: 6, status: 'failed', applied: 0, attemptsMetric: 6 });
    const outcome = history(six.cases[0]!).find((o) => o.f === 'outcome')!;
    expect(String(outcome.value.error)).toMatch(/step 'tool:refund' used its 6 attempts/);
    expect(history(six.cases[0]!).some((o) => o.f === 'effect' && o.value.effect === 'email:refund-1042')).toBe(false);
  });

  it('crash-loop on a model call: six crashes of the second turn spend the llm step, and nothing after it runs', async () => {
    const r = await runFault(['refund-agent'], ['crash-loop@llm-call:2,times=6']);
    expect([r.code, failures(r.cases[0]!)]).toEqual([0, {}]);
    const ops = history(r.cases[0]!);
    expect(ops.filter((o) => o.f === 'llm' && o.type === 'invoke' && o.value.turn === 1)).toHaveLength(6);
    expect(ops.filter((o) => o.f === 'fault' && o.type === 'invoke').map((o) => o.value.call)).toEqual(Array(6).fill('llm:turn-1'));
    expect(String(ops.find((o) => o.f === 'outcome')!.value.error)).toMatch(/step 'llm' used its 6 attempts/);
    expect(ops.some((o) => o.f === 'effect')).toBe(false);
  });

  it('tool-timeout: the worker gives up on a late effect and retries; the late request is still applied', async () => {
    const none = await runFault(['refund-agent'], ['tool-timeout@before-effect:1,timeoutMs=300,ms=900'], 'none');
    expect(failures(none.cases[0]!)).toEqual({ 'exactly-once-effects': ['duplicate'], 'approval-integrity': ['acted-more-than-once'] });
    const fw = await runFault(['refund-agent'], ['tool-timeout@before-effect:1,timeoutMs=300,ms=900'], 'framework');
    expect(fw.cases[0]!.valid).toBe(true);
    // the late first request reached the ledger after the retry, deduplicated by its key
    const late = history(fw.cases[0]!).filter((o) => o.f === 'effect' && o.type !== 'invoke' && o.value.outcome === 'deduplicated');
    expect(late.length).toBeGreaterThan(0);
  });

  it('pause-worker: a frozen worker sends nothing while paused, then resumes and finishes, in both idempotency modes, without a restart', async () => {
    for (const mode of ['none', 'framework'] as const) {
      const r = await runFault(['refund-agent'], ['pause-worker@llm-call:2,ms=800'], mode);
      expect(r.cases[0]!.valid).toBe(true);
      expect(faultEnds(r.cases[0]!)).toEqual(['ok']);
      const ops = history(r.cases[0]!);
      expect(ops.filter((o) => o.f === 'start' && o.process.startsWith('worker'))).toHaveLength(1);
      // the recorded pause spans its 800 ms (less the few ms a timer may fire early), and in all that time the world heard nothing
      // from the worker, which sends a probe every few ms when it runs; the next thing the worker sent arrived after the SIGCONT.
      // The SIGCONT goes out 800 ms after the SIGSTOP; the fault's `ok` op is written a little later, so the worker's first
      // message after the SIGCONT may precede it: the frozen stretch is the 800 ms from the SIGSTOP (less 20 ms for an early timer).
      const { fired: paused, ended: resumed } = faultWindow(ops);
      expect(resumed.time - paused.time).toBeGreaterThan(700);
      const sigcont = { ...paused, time: paused.time + 780 };
      const sent = workerSent(ops);
      expect([mode, between(sent, paused, sigcont)]).toEqual([mode, []]);
      const next = sent.find((o) => o.time > paused.time);
      expect(next?.time).toBeGreaterThan(sigcont.time);
    }
  });

  it('llm-error: 429, 500, a hang and a broken answer are retried to a valid run; a different plan on the repeated call loses the refund', async () => {
    const cases: [string, 'none' | 'framework'][] = [
      ['mode=429,retryAfter=0', 'framework'],
      ['mode=500', 'none'],
      ['mode=hang,ms=400', 'framework'],
      ['mode=broken', 'none'],
    ];
    for (const [params, mode] of cases) {
      const r = await runFault(['refund-agent'], [`llm-error@llm-call:2,${params}`], mode);
      expect([params, r.cases[0]!.valid]).toEqual([params, true]);
      expect(history(r.cases[0]!).filter((o) => o.f === 'llm' && o.value.turn === 1 && o.type === 'ok')).toHaveLength(1);
    }
    for (const mode of ['framework', 'none'] as const) {
      const r = await runFault(['refund-agent'], ['llm-error@llm-call:3,mode=different-plan'], mode);
      expect(r.code).toBe(1);
      expect(failures(r.cases[0]!)).toEqual({ 'exactly-once-effects': ['lost', 'lost'] });
    }
  });
});
