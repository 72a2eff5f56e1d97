// Fault parameters that name a part of the scenario are checked against it before any case starts (exit 2, ORD-207):
// a resource it does not have, a field no approval request of it carries.
import { describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../../../../harness/errors.js';
import { checkScenarioParams, parseFaultFlag } from '../../../../harness/faults/index.js';
import { planCases } from '../../../../harness/run/plan.js';
import { resolveScenario, validateScenario, type Scenario } from '../../../../harness/scenario/index.js';

const check = (flag: string, scenario: Scenario) => () => checkScenarioParams([parseFaultFlag(flag)], scenario);

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(ExitCode.usage);
    expect((e as InputError).code).toBe('ORD-207');
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

const scenario = (cassette: unknown[], resources: Record<string, unknown> = {}): Scenario =>
  validateScenario({ name: 's', description: 'x', task: 't', fixture: { resources }, cassette, expect: { effects: [] } }, 's.json');

describe('fault parameters checked against the scenario', () => {
  it("state-drift resource= must be one of the scenario's resources", () => {
    expect(refusal(check('state-drift@step:2,resource=nope', resolveScenario('refund-agent')))).toBe(
      "fault state-drift: parameter 'resource' names resource 'nope', which scenario 'refund-agent' does not have: expected one of order/1042",
    );
    expect(check('state-drift@step:2,resource=order/1042', resolveScenario('refund-agent'))).not.toThrow();
    expect(check('state-drift@approval:waiting,field=price,value=25', resolveScenario('approval-drift'))).not.toThrow();
    expect(refusal(check('state-drift@step:2,resource=x', resolveScenario('coding-agent')))).toMatch(
      /parameter 'resource' names resource 'x', but scenario 'coding-agent' has no resources \(fixture\.resources is empty and its cassette writes none\)/,
    );
  });

  it('state-drift may name a resource the cassette writes; a templated write id leaves it unknowable', () => {
    const writes = scenario([{ calls: [{ tool: 'write_resource', args: { id: 'draft/1', value: 1 } }] }, { final: 'ok' }]);
    expect(check('state-drift@step:3,resource=draft/1', writes)).not.toThrow();
    expect(refusal(check('state-drift@step:3,resource=draft/2', writes))).toContain('expected one of draft/1');
    const templated = scenario([
      { calls: [{ tool: 'noop' }] },
      { calls: [{ tool: 'write_resource', args: { id: '{{result:0.id}}', value: 1 } }] },
      { final: 'ok' },
    ]);
    expect(check('state-drift@step:3,resource=anything', templated)).not.toThrow();
  });

  it("human-edit field= must be a field of the scenario's approval payloads (or one its cassette reads)", () => {
    expect(refusal(check('human-edit@approval:waiting,field=nope,value=3', resolveScenario('approval-drift')))).toBe(
      "fault human-edit: parameter 'field' names field 'nope', which no approval request of scenario 'approval-drift' carries: expected one of quantity, unitPrice (the fields of its request_approval payloads)",
    );
    expect(check('human-edit@approval:waiting,field=quantity,value=3', resolveScenario('approval-drift'))).not.toThrow();
    // no payload, but the cassette reads values.discount of the approval: the edit reaches the agent
    const reads = scenario([
      { calls: [{ tool: 'request_approval', args: { summary: 'ok?' } }] },
      { calls: [{ tool: 'noop', args: { d: '{{result:0.values.discount}}' } }] },
      { final: 'ok' },
    ]);
    expect(check('human-edit@approval:waiting,field=discount,value=3', reads)).not.toThrow();
    expect(refusal(check('human-edit@approval:waiting,field=other,value=3', reads))).toMatch(
      /carry no payload fields and its cassette reads no approval value 'other'/,
    );
    // a payload given by a template: its fields are known only as the run goes
    const templated = scenario([
      { calls: [{ tool: 'read_resource', args: { id: 'a' } }] },
      { calls: [{ tool: 'request_approval', args: { summary: 'ok?', payload: '{{result:0.value}}' } }] },
      { final: 'ok' },
    ]);
    expect(check('human-edit@approval:waiting,field=anything,value=3', templated)).not.toThrow();
    // no approval request at all: the fault's trigger is never reached (reported as a fault that never fired)
    expect(check('human-edit@approval:waiting,field=anything,value=3', resolveScenario('flaky-shell'))).not.toThrow();
  });

  it('ordeal run refuses it while planning, before any case starts', () => {
    expect(refusal(() => planCases({ adapter: 'reference', scenarios: ['refund-agent'], faults: ['state-drift@step:2,resource=nope'] }))).toContain(
      "resource 'nope', which scenario 'refund-agent' does not have",
    );
    expect(planCases({ adapter: 'reference', scenarios: ['refund-agent'], faults: ['state-drift@step:2,resource=order/1042'] })).toHaveLength(1);
  });
});
