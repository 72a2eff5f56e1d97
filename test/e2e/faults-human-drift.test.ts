import { describe, expect, it } from 'vitest';
import { failures, faultEnds, history, runFault } from './fault-cases.js';
import { verdict } from '../helpers/run-folder.js';

const DRIFT = ['approval-drift', 'approval-drift-reread'];

describe('state drift, human checkpoints and half-done shell commands (reference runtime)', () => {
  it('state-drift while waiting for approval: flagged for the agent that does not re-read, valid for the one that does', async () => {
    const r = await runFault(DRIFT, ['state-drift@approval:waiting,field=price,value=25']);
    expect(r.code).toBe(1);
    expect(failures(r.byScenario('approval-drift'))).toEqual({ 'drift-safety': ['stale-read'] });
    expect(r.byScenario('approval-drift-reread').valid).toBe(true);
    expect(
      history(r.byScenario('approval-drift-reread')).some((o) => o.f === 'resource' && o.value.action === 'drift' && o.value.version === 2),
    ).toBe(true);
  });

  it('human-edit: the agent that ignores the edited quantity fails approval-integrity; the one that uses it passes', async () => {
    const r = await runFault(DRIFT, ['human-edit@approval:waiting,field=quantity,value=3'], 'none');
    expect(failures(r.byScenario('approval-drift'))).toEqual({ 'approval-integrity': ['approved-values-ignored'] });
    expect(r.byScenario('approval-drift-reread').valid).toBe(true);
  });

  it('human-reject: refund-agent refunds anyway and fails approval-integrity; refund-agent-careful declines and passes', async () => {
    const r = await runFault(['refund-agent', 'refund-agent-careful'], ['human-reject@approval:waiting']);
    expect(r.code).toBe(1);
    expect(failures(r.byScenario('refund-agent'))).toEqual({ 'approval-integrity': ['acted-despite-rejection', 'acted-despite-rejection'] });
    const careful = r.byScenario('refund-agent-careful');
    expect(careful.valid).toBe(true);
    const effects = history(careful)
      .filter((o) => o.f === 'effect' && o.type === 'invoke')
      .map((o) => o.value.effect);
    expect(effects).toEqual(['email:declined-1042']); // told the customer, refunded nothing
    expect(history(careful).find((o) => o.f === 'outcome')?.value.answer).toMatch(/^Declined/);
  });

  it('human-late and human-twice: a late or repeated approval still gives one charge', async () => {
    const late = await runFault(['approval-drift-reread'], ['human-late@approval:waiting,ms=1500'], 'none');
    expect(late.cases[0]!.valid).toBe(true);
    expect(faultEnds(late.cases[0]!)).toEqual(['ok']);
    // the human decided at least the fault's 1500 ms after the agent started waiting (on top of the scenario's own 1000 ms)
    const ops = history(late.cases[0]!);
    const waiting = ops.find((o) => o.f === 'probe' && o.value.point === 'approval:waiting')!;
    const decided = ops.filter((o) => o.f === 'approval' && o.value.event === 'decided');
    expect(decided).toHaveLength(1);
    expect(decided[0]!.index).toBeGreaterThan(waiting.index);
    expect(decided[0]!.time - waiting.time).toBeGreaterThanOrEqual(1500);
    const twice = await runFault(['approval-drift-reread'], ['human-twice@approval:waiting'], 'none');
    expect(twice.cases[0]!.valid).toBe(true);
    expect(history(twice.cases[0]!).filter((o) => o.f === 'approval' && o.value.event === 'decided')).toHaveLength(2);
  });

  it('partial-shell: a retried half-done edit breaks the non-idempotent command and not the idempotent one', async () => {
    const r = await runFault(['flaky-shell', 'flaky-shell-idempotent'], ['partial-shell@shell:1,k=2']);
    expect(failures(r.byScenario('flaky-shell'))).toEqual({ 'workspace-integrity': ['workspace-mismatch', 'workspace-mismatch'] });
    expect(r.byScenario('flaky-shell-idempotent').valid).toBe(true);
    expect(history(r.byScenario('flaky-shell-idempotent')).filter((o) => o.f === 'probe' && o.value.point === 'shell:before')).toHaveLength(2);
  });

  it('crash-loop on a shell command: three crashes before it runs and the fourth attempt edits the files once; six spend the step and the run fails, as the policy says', async () => {
    const r = await runFault(['flaky-shell'], ['crash-loop@shell:1,times=3']);
    expect(r.cases[0]!.valid).toBe(true);
    const ops = history(r.cases[0]!);
    const probes = ops.filter((o) => o.f === 'probe' && (o.value.point === 'shell:before' || o.value.point === 'shell:lost'));
    // every attempt is a shell:before probe; the three the worker died on are each followed by the world's note that the command never ran
    expect(probes.map((o) => `${String(o.value.point)}${typeof o.value.reason === 'string' ? ` ${o.value.reason}` : ''}`)).toEqual([
      'shell:before',
      'shell:lost dropped-before-run',
      'shell:before',
      'shell:lost dropped-before-run',
      'shell:before',
      'shell:lost dropped-before-run',
      'shell:before',
    ]);
    expect(ops.filter((o) => o.f === 'fault' && o.type === 'invoke').map((o) => String(o.value.call))).toEqual(Array(3).fill(`shell:${SHELL_EDIT}`));
    expect(verdict(r.cases[0]!.runDir).checks['retry-bound']!.metrics).toEqual({ attempts: 4, kills: 3, policy: 6 });
    // flaky-shell's edit is not idempotent: had a crashed attempt run any of it, the retry would have appended twice
    expect(r.cases[0]!.checks['workspace-integrity']!.valid).toBe(true);

    const six = await runFault(['flaky-shell'], ['crash-loop@shell:1,times=6']);
    expect([six.code, failures(six.cases[0]!)]).toEqual([0, {}]);
    const outcome = history(six.cases[0]!).find((o) => o.f === 'outcome')!;
    expect(String(outcome.value.error)).toMatch(/step 'tool:shell' used its 6 attempts/);
    expect(verdict(six.cases[0]!.runDir).checks['workspace-integrity']!.metrics.spent).toBe(1);
  });
});

const SHELL_EDIT = 'echo release=2 >> config/api.env && echo release=2 >> config/web.env && echo release=2 >> config/jobs.env';
