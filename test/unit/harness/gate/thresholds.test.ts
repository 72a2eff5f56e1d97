import { describe, expect, it } from 'vitest';
import { defaultCheckers, runCheckers } from '../../../../harness/checks/index.js';
import { InputError } from '../../../../harness/errors.js';
import { evaluateGate, validateGateConfig } from '../../../../harness/gate/index.js';
import type { RunInfo, RunRecord } from '../../../../harness/store/index.js';
import { caseReport } from '../../../../reports/index.js';
import { run } from '../checks/fixtures.js';

/** A run killed after turn 1 was answered: the restarted worker asks turn 1 again and reruns its tool step. */
function killedRun(): RunRecord {
  const b = run().start().probe('llm:before', 'llm-0').llm(0, { prompt: 100, completion: 10 }).probe('tool:before', 'tool-0');
  b.probe('llm:before', 'llm-1').llm(1, { prompt: 200, completion: 30 });
  b.op('fault', 'invoke', { fault: 'kill-worker', at: 'llm-call:2', index: 0 }, 'fault-0', 'nemesis');
  b.kill().start().probe('llm:before', 'llm-1', { attempt: 2 }).llm(1, { prompt: 200, completion: 40 }).probe('tool:before', 'tool-1').llm(2);
  return b.build();
}

/** The gate's judgement of one case with these thresholds (by their config names), as `ordeal gate` makes it. */
function judge(record: RunRecord, thresholds: Record<string, number>): string[] {
  const config = validateGateConfig(
    { adapters: ['reference'], scenarios: ['refund-agent'], require: ['recovery'], thresholds },
    'ordeal.config.json',
  );
  const verdict = runCheckers(record, defaultCheckers(), 'ordeal replay runs/x');
  const info = { id: 'x', adapter: 'reference', scenario: 'refund-agent', schedule: [], idempotency: 'framework' } as unknown as RunInfo;
  const c = caseReport({ dir: 'runs/x', info, record, verdict, complete: true });
  return evaluateGate([c], config).map((v) => v.message);
}

describe('gate thresholds on the checkers’ metrics', () => {
  it('fails a passed threshold, naming the metric, its bound and its value', () => {
    expect(judge(killedRun(), { maxRepeatedLlmCalls: 0, maxReexecutedSteps: 1 })).toEqual(['threshold wasted-work.repeatedLlmCalls ≤ 0 exceeded: 1']);
    expect(judge(killedRun(), { maxRespentTokens: 100 })).toEqual(['threshold wasted-work.respentTokens ≤ 100 exceeded: 240']);
  });

  it('holds at the bound', () => {
    expect(judge(killedRun(), { maxRepeatedLlmCalls: 1, maxReexecutedSteps: 1, maxRespentTokens: 240 })).toEqual([]);
  });

  it('fails a recovery slower than maxRecoveryMs, measured from the fault to the next progress', () => {
    // fault at op 7 (t=1070), the new worker's first progress is its answered model call at op 12 (t=1120)
    expect(judge(killedRun(), { maxRecoveryMs: 10 })).toEqual(['threshold recovery.maxRecoveryMs ≤ 10 exceeded: 50']);
    expect(judge(killedRun(), { maxRecoveryMs: 50 })).toEqual([]);
  });

  it('rejects a bad threshold at once, naming it', () => {
    const config = (thresholds: Record<string, unknown>) => () =>
      validateGateConfig({ adapters: ['reference'], scenarios: ['refund-agent'], thresholds }, 'ordeal.config.json');
    expect(config({ maxReexecutedSteps: -1 })).toThrow(InputError);
    expect(config({ maxReexecutedSteps: -1 })).toThrow(
      "ordeal.config.json: field 'thresholds.maxReexecutedSteps' must be a number ≥ 0 (the maximum allowed)",
    );
    expect(config({ maxRecoveryMs: -1 })).toThrow(/thresholds\.maxRecoveryMs/);
    expect(config({ maxRepeatLlm: 1 })).toThrow(/thresholds\.maxRepeatLlm' is not a threshold: expected one of maxRecoveryMs/);
  });

  it('rejects a metric name no case can report, so a threshold cannot silently never fire', () => {
    const config = (thresholds: Record<string, unknown>) => () =>
      validateGateConfig({ adapters: ['reference'], scenarios: ['refund-agent'], thresholds }, 'ordeal.config.json');
    expect(config({ 'telemetry.recoveryMs': 100 })).toThrow(/thresholds\.telemetry\.recoveryMs' names no metric: telemetry gives stepLatencyP50Ms/);
    expect(config({ 'recovry.maxRecoveryMs': 100 })).toThrow(/'recovry' is neither a checker \(.*recovery.*\) nor telemetry/);
    expect(config({ 'telemetry.stepLatencyP99Ms': 100, 'wasted-work.repeatedLlmCalls': 0 })).not.toThrow();
    // a checker's metric misspelt: the checker's own metrics are named
    expect(config({ 'recovery.maxRecoveryMS': 0 })).toThrow(
      "ordeal.config.json: field 'thresholds.recovery.maxRecoveryMS' names no metric: the recovery checker reports disruptions, maxRecoveryMs, meanRecoveryMs (got 'maxRecoveryMS')",
    );
    expect(config({ 'completion.x': 0 })).toThrow(/the completion checker reports durationMs \(got 'x'\)/);
  });
});

describe('gate config', () => {
  const gate = (extra: Record<string, unknown>) => () =>
    validateGateConfig({ adapters: ['reference'], scenarios: ['refund-agent'], ...extra }, 'ordeal.config.json');

  it('refuses an empty schedule list, which would gate nothing and pass', () => {
    expect(gate({ schedules: [] })).toThrow(/field 'schedules' must be "standard" or a non-empty array of schedules/);
    expect(gate({ schedules: ['none'] })).not.toThrow();
  });

  it('refuses unknown keys inside an adapter entry and inside check, so a typo does not drop a setting', () => {
    expect(gate({ adapters: [{ name: 'reference', option: { synchronous: 'NORMAL' } }] })).toThrow(
      "ordeal.config.json: field 'adapters[0].option' is not an adapter setting: expected name or module, and options",
    );
    expect(gate({ check: { exhaustive: true, fault: ['kill-worker'] } })).toThrow(
      "ordeal.config.json: field 'check.fault' is not a check setting: expected exhaustive and faults",
    );
  });

  it('refuses a description that is not a string', () => {
    expect(gate({ description: 5 })).toThrow("ordeal.config.json: field 'description' must be a string (what the gate is for)");
  });

  it('leaves the case timeout to each adapter unless timeoutMs is set', () => {
    expect(gate({})().timeoutMs).toBeUndefined();
    expect(gate({ timeoutMs: 90_000 })().timeoutMs).toBe(90_000);
    expect(gate({ timeoutMs: 10 })).toThrow(/field 'timeoutMs' must be an integer from 1000 to 2147483647/);
  });
});
