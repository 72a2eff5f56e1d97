import { describe, expect, it } from 'vitest';
import { approvalIntegrity, gatedEffects } from '../../../../harness/checks/approval-integrity.js';
import type { RunRecord } from '../../../../harness/store/types.js';
import type { Turn } from '../../../../harness/scenario/index.js';
import { run, type RunBuilder } from './fixtures.js';

const check = (r: RunRecord) => approvalIntegrity.check(r);

const cassette: Turn[] = [
  { calls: [{ tool: 'charge_card', args: { amount: 1 }, effect: 'charge:fee' }] },
  { calls: [{ tool: 'request_approval', args: { summary: 'buy 5' } }] },
  { calls: [{ tool: 'charge_card', args: { quantity: 5 }, effect: 'charge:widgets' }] },
  { final: 'done' },
];

const build = (b: RunBuilder): RunRecord => {
  const r = b.build();
  r.scenario.cassette = cassette;
  return r;
};

const decided = (b: RunBuilder, approved: boolean, values?: Record<string, unknown>) =>
  b.op('approval', 'info', { event: 'decided', id: 'a1', approved, ...(values ? { values } : {}) }, undefined, 'human');

describe('approval-integrity', () => {
  it('knows which effects need the approval: those after the first request_approval', () => {
    expect([...gatedEffects(build(run()))]).toEqual(['charge:widgets']);
  });

  it('accepts an effect applied once, after the approval, with the approved values; an ungated effect may come first', () => {
    const b = run().start().effect('charge:fee', 'applied');
    b.op('approval', 'info', { event: 'requested', id: 'a1' });
    decided(b, true, { quantity: 5, note: 'not an argument' });
    b.effect('charge:widgets', 'applied');
    const r = build(b);
    r.ledger[1]!.args = { quantity: 5 };
    expect(check(r)).toEqual({ valid: true, anomalies: [], metrics: { gatedEffects: 1, decisions: 1, rejections: 0 } });
  });

  it('flags a human asked again, under a new id, for the one approval the agent asks for; the same id asked again is one request', () => {
    const b = run().start();
    b.op('approval', 'info', { event: 'requested', id: 'a1' });
    b.kill();
    b.op('approval', 'info', { event: 'requested', id: 'a1' }); // a retried request under its own id
    expect(check(build(b)).anomalies).toEqual([]);
    b.op('approval', 'info', { event: 'requested', id: 'a2' }); // a re-run that made a new id
    decided(b, true);
    const r = check(build(b));
    expect(r.valid).toBe(false);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['asked-more-than-once']);
    expect(r.anomalies[0]!.message).toMatch(/The human was asked 2 times \(ops #\d+ and #\d+, ids a1, a2\) for the one approval the agent asks for/);
    // a cassette whose branches ask a different number of times is not judged so
    const branched = build(b);
    branched.scenario.cassette = [
      { when: { resource: 'x', path: 'y', equals: 1 }, then: { calls: [{ tool: 'request_approval', args: {} }] } } as unknown as Turn,
      { final: 'done' },
    ];
    expect(check(branched).anomalies).toEqual([]);
  });

  it('flags an effect applied before any approval, and one applied despite a rejection', () => {
    const early = run().start().effect('charge:widgets', 'applied');
    decided(early, true);
    expect(check(build(early)).anomalies.map((a) => [a.kind, a.witnesses.ops])).toEqual([['acted-before-approval', [1]]]);

    const rejected = run().start();
    decided(rejected, false);
    rejected.effect('charge:widgets', 'applied');
    const res = check(build(rejected));
    expect(res.valid).toBe(false);
    expect(res.anomalies[0]).toMatchObject({ kind: 'acted-despite-rejection', witnesses: { ops: [1, 2] } });
    expect(res.anomalies[0]?.message).toBe('charge:widgets was applied (op #2) although the human rejected the request at op #1.');
    expect(res.metrics.rejections).toBe(1);
  });

  it('flags an effect that ignores the values the human edited, naming the field', () => {
    const b = run().start();
    decided(b, true, { quantity: 3 });
    b.effect('charge:widgets', 'applied');
    const r = build(b);
    r.ledger[0]!.args = { quantity: 5, customer: 'acme' };
    const res = check(r);
    expect(res.anomalies).toHaveLength(1);
    expect(res.anomalies[0]).toMatchObject({ kind: 'approved-values-ignored', witnesses: { ops: [1, 2], ledger: [0] } });
    expect(res.anomalies[0]?.message).toBe('charge:widgets was applied with quantity = 5 instead of the approved 3 (approved at op #1).');
  });

  it('flags a gated effect applied twice after one approval; a deduplicated retry is fine', () => {
    const b = run().start();
    decided(b, true);
    b.effect('charge:widgets', 'applied').effect('charge:widgets', 'deduplicated');
    expect(check(build(b)).valid).toBe(true);
    b.effect('charge:widgets', 'applied');
    expect(check(build(b)).anomalies.map((a) => a.kind)).toEqual(['acted-more-than-once']);
  });

  it('never throws on a damaged run', () => {
    expect(check({} as RunRecord).valid).toBe(true);
    expect(check({ scenario: { cassette: [null, { calls: 'x' }] }, history: [7] } as unknown as RunRecord).valid).toBe(true);
  });
});
