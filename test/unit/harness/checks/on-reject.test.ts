// The human's actual decision picks the expectation: `expect` after an approval, `expect.onReject` after a rejection.
import { describe, expect, it } from 'vitest';
import { approvalIntegrity } from '../../../../harness/checks/approval-integrity.js';
import { completion } from '../../../../harness/checks/completion.js';
import { exactlyOnceEffects } from '../../../../harness/checks/exactly-once-effects.js';
import { expectationOf } from '../../../../harness/checks/expectation.js';
import type { Turn } from '../../../../harness/scenario/index.js';
import type { RunRecord } from '../../../../harness/store/types.js';
import { eff, run, type RunBuilder } from './fixtures.js';

/** refund-agent-careful's shape: after the approval request, refund or tell the customer it was declined. */
const cassette: Turn[] = [
  { calls: [{ tool: 'request_approval', args: { summary: 'refund' } }] },
  {
    when: { result: '0.approved', equals: true },
    then: { calls: [{ tool: 'refund', args: { order: '1' }, effect: 'refund:1' }] },
    else: { calls: [{ tool: 'send_email', args: { body: 'declined' }, effect: 'send_email:declined' }] },
  },
  { final: 'done' },
];

const careful = (b: RunBuilder, withOnReject = true): RunRecord => {
  b.expect({ effects: [eff('refund:1')], answer: 'Refunded' });
  const r = b.build();
  if (withOnReject) r.scenario.expect = { ...r.scenario.expect, onReject: { effects: [eff('send_email:declined')], answer: 'Declined' } };
  r.scenario.cassette = cassette;
  return r;
};

const decided = (b: RunBuilder, approved: boolean) => {
  b.op('approval', 'info', { event: 'requested', id: 'a1' });
  return b.op('approval', 'info', { event: 'decided', id: 'a1', approved }, undefined, 'human');
};

const kinds = (r: RunRecord) => ({
  'approval-integrity': approvalIntegrity.check(r).anomalies.map((a) => a.kind),
  'exactly-once-effects': exactlyOnceEffects.check(r).anomalies.map((a) => a.kind),
  completion: completion.check(r).anomalies.map((a) => a.kind),
});
const clean = { 'approval-integrity': [], 'exactly-once-effects': [], completion: [] };

describe('expect.onReject: the expectation follows the human decision in the history', () => {
  it('uses expect.onReject only when a decided op rejected and the scenario has one', () => {
    const b = run().start();
    const at = decided(b, false);
    expect(expectationOf(careful(b))).toMatchObject({ rejectedAt: at, answer: 'Declined' });
    expect(expectationOf(careful(b, false))).toEqual({ effects: [eff('refund:1')], answer: 'Refunded' });
    const yes = run().start();
    decided(yes, true);
    expect(expectationOf(careful(yes)).rejectedAt).toBeUndefined();
  });

  it('passes an agent that honours the rejection: declined email once, no refund, the declined answer', () => {
    const b = run().start();
    decided(b, false);
    b.effect('send_email:declined', 'applied').outcome({ status: 'completed', answer: 'Declined: not approved.' });
    expect(kinds(careful(b))).toEqual(clean);
  });

  it('passes the approved path against expect, and flags the declined email there as unexpected', () => {
    const b = run().start();
    decided(b, true);
    b.effect('refund:1', 'applied').outcome({ status: 'completed', answer: 'Refunded 1.' });
    expect(kinds(careful(b))).toEqual(clean);
    b.effect('send_email:declined', 'applied');
    expect(kinds(careful(b))['exactly-once-effects']).toEqual(['unexpected']);
  });

  it('fails an agent that refunds after the rejection on all three checkers, saying the rejection set the expectation', () => {
    const b = run().start();
    const no = decided(b, false);
    b.effect('refund:1', 'applied').outcome({ status: 'completed', answer: 'Refunded 1.' });
    const r = careful(b);
    expect(kinds(r)).toEqual({
      'approval-integrity': ['acted-despite-rejection'],
      'exactly-once-effects': ['lost', 'unexpected'],
      completion: ['wrong-answer'],
    });
    const msgs = exactlyOnceEffects.check(r).anomalies.map((a) => a.message);
    expect(msgs[0]).toBe(
      `send_email:declined was never applied (expected once when the human rejects (op #${no})); the world never received a request for it.`,
    );
    expect(completion.check(r).anomalies[0]?.message).toContain(`"Declined" when the human rejects (op #${no})`);
  });

  it('still flags an effect listed in onReject when it was applied before any decision', () => {
    const b = run().start().effect('send_email:declined', 'applied');
    decided(b, false);
    expect(kinds(careful(b))['approval-integrity']).toEqual(['acted-before-approval']);
  });

  it('without expect.onReject, a rejection changes nothing: expect applies and every gated effect is flagged', () => {
    const b = run().start();
    decided(b, false);
    b.effect('send_email:declined', 'applied').outcome({ status: 'completed', answer: 'Declined.' });
    expect(kinds(careful(b, false))).toEqual({
      'approval-integrity': ['acted-despite-rejection'],
      'exactly-once-effects': ['lost', 'unexpected'],
      completion: ['wrong-answer'],
    });
  });

  it('never throws on a damaged onReject', () => {
    const b = run().start();
    decided(b, false);
    const r = careful(b);
    (r.scenario.expect as unknown as Record<string, unknown>).onReject = { effects: 'x' };
    expect(() => kinds(r)).not.toThrow();
    r.scenario.cassette = [{ when: null, then: 7 }] as unknown as Turn[];
    expect(approvalIntegrity.check(r).valid).toBe(true);
  });
});
