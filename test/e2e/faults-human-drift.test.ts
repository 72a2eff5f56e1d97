import { describe, expect, it } from 'vitest';
import { failures, faultEnds, history, runFault } from './fault-cases.js';

const DRIFT = ['approval-drift', 'approval-drift-reread'];

describe('state drift, human checkpoints and half-done shell commands (reference runtime)', () => {
  it('state-drift while waiting for approval: flagged for the agent that does not re-read, valid for the one that does', async () => {
    const r = await runFault(DRIFT, ['state-drift@approval:waiting,field=price,value=25']);
    expect(r.code).toBe(1);
    expect(failures(r.byScenario('approval-drift'))).toEqual({ 'drift-safety': ['stale-read'] });
    expect(r.byScenario('approval-drift-reread').valid).toBe(true);
    expect(history(r.byScenario('approval-drift-reread')).some((o) => o.f === 'resource' && o.value.action === 'drift' && o.value.version === 2)).toBe(true);
  });

  it('human-edit: the agent that ignores the edited quantity fails approval-integrity; the one that uses it passes', async () => {
    const r = await runFault(DRIFT, ['human-edit@approval:waiting,field=quantity,value=3'], 'none');
    expect(failures(r.byScenario('approval-drift'))).toEqual({ 'approval-integrity': ['approved-values-ignored'] });
    expect(r.byScenario('approval-drift-reread').valid).toBe(true);
  });

  it('human-reject: the scripted agent charges anyway, and approval-integrity says so', async () => {
    const r = await runFault(['approval-drift-reread'], ['human-reject@approval:waiting']);
    expect(failures(r.cases[0]!)).toMatchObject({ 'approval-integrity': ['acted-despite-rejection'] });
  });

  it('human-late and human-twice: a late or repeated approval still gives one charge', async () => {
    const late = await runFault(['approval-drift-reread'], ['human-late@approval:waiting,ms=1500'], 'none');
    expect(late.cases[0]!.valid).toBe(true);
    expect(faultEnds(late.cases[0]!)).toEqual(['ok']);
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
});
