// A branching turn answers from the conversation's tool results: same conversation, same branch.
import { afterEach, describe, expect, it } from 'vitest';
import type { Scenario } from '../../../../harness/scenario/index.js';
import { conversation, testScenario, withWorld, type TestWorld } from './helpers.js';

function branching(): Scenario {
  return {
    ...testScenario(),
    cassette: [
      { calls: [{ tool: 'request_approval', args: { summary: 'refund o-1', payload: { amount: 42 } } }] },
      {
        when: { result: '0.approved', equals: true },
        then: { calls: [{ tool: 'refund', args: { order: 'o-1', amount: '{{result:0.values.amount}}' }, effect: 'refund:order-1' }] },
        else: {
          say: 'Not approved.',
          calls: [{ tool: 'send_email', args: { to: 'c@example.com', body: 'declined' }, effect: 'email:declined' }],
        },
      },
      {
        when: { result: '0', equals: { approved: true, values: { amount: 42 } } },
        then: { final: 'Refunded o-1' },
        else: { when: { result: '0.approved', equals: false }, then: { final: 'Declined o-1' }, else: { final: 'Refunded, edited' } },
      },
    ],
    expect: { effects: [{ id: 'refund:order-1', type: 'refund' }] },
  };
}

describe('world: branching cassette turns', () => {
  let w: TestWorld;
  afterEach(async () => w.stop());

  const answer = async (results: unknown[][]) => (await w.post('/v1/chat/completions', { messages: conversation(results) })).body.choices[0].message;
  const call = (m: { tool_calls: { function: { name: string; arguments: string } }[] }) => [
    m.tool_calls[0]!.function.name,
    JSON.parse(m.tool_calls[0]!.function.arguments),
  ];

  it('takes then when the named result equals the value and else otherwise, the same way on every repeat', async () => {
    w = await withWorld(branching());
    const yes = { approved: true, values: { amount: 42 } };
    expect(call(await answer([[yes]]))).toEqual(['refund', { order: 'o-1', amount: 42 }]);
    const no = await answer([[{ approved: false }]]);
    expect(no.content).toBe('Not approved.');
    expect(call(no)).toEqual(['send_email', { to: 'c@example.com', body: 'declined' }]);
    expect(call(await answer([[{ approved: false }]]))[0]).toBe('send_email'); // a replayed call gets the same branch
    // a result that is not there (not JSON, missing field) takes else
    expect(call(await answer([['not json at all']]))[0]).toBe('send_email');
    // whole-result deep equality (key order does not matter) and nested branches
    expect((await answer([[{ values: { amount: 42 }, approved: true }], [{}]])).content).toBe('Refunded o-1');
    expect((await answer([[{ approved: false }], [{}]])).content).toBe('Declined o-1');
    expect((await answer([[{ approved: true, values: { amount: 40 } }], [{}]])).content).toBe('Refunded, edited');
    expect(
      w.channel
        .ops('llm')
        .filter((o) => o.type === 'invoke')
        .map((o) => o.value.turn),
    ).toEqual([1, 1, 1, 1, 2, 2, 2]);
  });

  it('names the effect of a call from either branch in the ledger', async () => {
    w = await withWorld(branching());
    const r = await w.post('/effects/send_email', { to: 'c@example.com', body: 'declined' }, { 'idempotency-key': 'k1' });
    expect(r.status).toBe(200);
    expect(w.lines('ledger.jsonl').map((e) => e.effect)).toEqual(['email:declined']);
  });
});
