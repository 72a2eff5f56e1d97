// Branching turns and expect.onReject in scenario files: accepted when well formed, else an InputError naming the field.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../harness/errors.js';
import { resolveScenario, selectTurn, validateScenario } from '../../../../harness/scenario/index.js';

const approval = { calls: [{ tool: 'request_approval', args: { summary: 'refund' } }] };
const refund = { calls: [{ tool: 'refund', args: { order: '1' }, effect: 'refund:1' }] };
const declined = { calls: [{ tool: 'send_email', args: { body: 'no' }, effect: 'email:declined' }] };

const scenario = (cassette: unknown[], expect: Record<string, unknown> = { effects: [{ id: 'refund:1', type: 'refund' }] }) => ({
  name: 'branchy',
  description: 'x',
  task: 't',
  cassette,
  expect,
});
const branch = (over: Record<string, unknown> = {}) => ({ when: { result: '0.approved', equals: true }, then: refund, else: declined, ...over });

const error = (raw: unknown): string => {
  try {
    validateScenario(raw, 'f.json');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
};

describe('scenario validation: branching turns and onReject', () => {
  it('accepts a branch and an onReject expectation, and keeps them', () => {
    const s = validateScenario(
      scenario([approval, branch(), { when: { result: '0.approved', equals: true }, then: { final: 'Refunded' }, else: { final: 'Declined' } }], {
        effects: [{ id: 'refund:1', type: 'refund' }],
        onReject: { effects: [{ id: 'email:declined', type: 'send_email' }], answer: 'Declined' },
      }),
      'f.json',
    );
    expect(s.cassette[1]).toEqual(branch());
    expect(s.expect.onReject).toEqual({ effects: [{ id: 'email:declined', type: 'send_email' }], answer: 'Declined' });
    expect(selectTurn(s.cassette[2]!, [{ approved: false }])).toEqual({ final: 'Declined' });
  });

  it.each([
    [
      'a malformed reference',
      branch({ when: { result: 'first.approved', equals: true } }),
      'field \'cassette[1].when.result\' must be "N" or "N.path"',
    ],
    [
      'a result no earlier turn produces',
      branch({ when: { result: '1.approved', equals: true } }),
      "field 'cassette[1].when.result' must name an earlier tool result: at most 1 tool result precede",
    ],
    ['no equals', branch({ when: { result: '0.approved' } }), "field 'cassette[1].when.equals' must be the JSON value"],
    ['no else', { when: { result: '0', equals: 1 }, then: refund }, "field 'cassette[1].else' must be the turn answered otherwise"],
    [
      'a bad nested turn',
      branch({ then: { calls: [{ tool: 'refund', args: {} }] } }),
      "field 'cassette[1].then.calls[0].effect' must name the logical effect",
    ],
  ])('rejects %s, naming the field', (_what, turn, message) => {
    expect(error(scenario([approval, turn, { final: 'done' }]))).toContain(message);
  });

  it('needs the last turn to be final on every branch, and onReject effects to be cassette effects', () => {
    expect(error(scenario([approval, refund, branch({ then: { final: 'ok' } })]))).toContain(
      'field \'cassette[2]\' must be the final answer ({"final": "…"}) on every branch',
    );
    expect(
      error(scenario([approval, refund, { final: 'ok' }], { effects: [], onReject: { effects: [{ id: 'email:nope', type: 'send_email' }] } })),
    ).toContain("field 'expect.onReject.effects[0].id' must name an effect of a cassette call (no call has effect 'email:nope')");
    expect(error(scenario([approval, refund, { final: 'ok' }], { effects: [], onReject: { answer: 'x' } }))).toContain(
      "field 'expect.onReject.effects' must be an array",
    );
  });

  it('ships refund-agent-careful: a branch on the approval, and what a rejection should lead to', () => {
    const s = resolveScenario('refund-agent-careful');
    expect(s.expect.onReject?.effects.map((e) => e.id)).toEqual(['email:declined-1042']);
    expect(selectTurn(s.cassette[2]!, [{}, { approved: false }])).toMatchObject({ calls: [{ tool: 'send_email', effect: 'email:declined-1042' }] });
    expect(selectTurn(s.cassette[2]!, [{}, { approved: true }])).toMatchObject({ calls: [{ tool: 'refund' }] });
  });
});
