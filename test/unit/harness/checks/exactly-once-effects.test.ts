import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exactlyOnceEffects } from '../../../../harness/checks/exactly-once-effects.js';
import type { RunRecord } from '../../../../harness/store/types.js';
import { eff, run } from './fixtures.js';

const check = (r: RunRecord) => exactlyOnceEffects.check(r);

describe('exactly-once-effects', () => {
  it('accepts each expected effect applied once, with retries deduplicated', () => {
    const r = run()
      .expect({ effects: [eff('refund:order-1042'), eff('send_email:receipt')] })
      .effect('refund:order-1042', 'applied')
      .effect('refund:order-1042', 'deduplicated')
      .effect('send_email:receipt', 'applied')
      .build();
    expect(check(r)).toEqual({ valid: true, anomalies: [], metrics: { applied: 2, deduplicated: 1, requests: 3 } });
  });

  it('flags a duplicate with the applied ledger entries and their ops', () => {
    const r = run()
      .expect({ effects: [eff('refund:order-1042')] })
      .effect('refund:order-1042', 'applied') // seq 0, ops 0-1
      .effect('send_email:receipt', 'rejected', { reason: 'bad' }) // seq 1, ops 2-3
      .effect('refund:order-1042', 'deduplicated') // seq 2, ops 4-5
      .effect('refund:order-1042', 'applied') // seq 3, ops 6-7
      .build();
    const res = check(r);
    expect(res.valid).toBe(false);
    expect(res.anomalies).toHaveLength(1);
    expect(res.anomalies[0]).toEqual({
      kind: 'duplicate',
      message: 'refund:order-1042 was applied 2 times (expected once): ledger #0 and #3.',
      witnesses: { ledger: [0, 3], ops: [0, 1, 6, 7] },
    });
  });

  it('flags a lost effect with the requests that were rejected or dropped', () => {
    const r = run()
      .expect({ effects: [eff('charge_card:order-7')] })
      .effect('charge_card:order-7', 'rejected', { reason: 'idempotency key reused with other arguments' })
      .dropped('charge_card:order-7')
      .build();
    const [a] = check(r).anomalies;
    expect(a?.kind).toBe('lost');
    expect(a?.message).toContain('charge_card:order-7 was never applied (expected once)');
    expect(a?.message).toContain('#0 (rejected: idempotency key reused with other arguments)');
    expect(a?.witnesses).toEqual({ ledger: [0], ops: [0, 1, 2, 3] });
  });

  it('says when the world never received a request for a lost effect', () => {
    const res = check(
      run()
        .expect({ effects: [eff('open_pr:fix')] })
        .unfinished()
        .build(),
    );
    expect(res.valid).toBe(false);
    expect(res.anomalies[0]?.kind).toBe('lost');
    expect(res.anomalies[0]?.message).toMatch(/never applied.*never received a request/);
  });

  it('counts partial application against an expected count', () => {
    const r = run()
      .expect({ effects: [eff('send_email:reminder', 3)] })
      .effect('send_email:reminder', 'applied')
      .build();
    const [a] = check(r).anomalies;
    expect(a?.kind).toBe('lost');
    expect(a?.message).toContain('was applied 1 of 3 expected times');
  });

  it('flags an applied effect the scenario does not expect', () => {
    const r = run()
      .expect({ effects: [eff('refund:order-1042')] })
      .effect('refund:order-1042', 'applied')
      .effect('send_email:unexpected:ab12', 'applied')
      .effect('post_comment:unexpected:cd34', 'rejected')
      .build();
    const res = check(r);
    expect(res.anomalies.map((a) => a.kind)).toEqual(['unexpected']);
    expect(res.anomalies[0]?.witnesses).toEqual({ ledger: [1], ops: [2, 3] });
    expect(res.anomalies[0]?.message).toContain('send_email:unexpected:ab12');
  });

  it('never throws on a damaged run', () => {
    const broken = { ledger: [null, { effect: 5, outcome: 'applied', seq: 0 }], history: 'nope' } as unknown as RunRecord;
    const res = check(broken);
    expect(res.valid).toBe(false);
    expect(res.anomalies[0]?.kind).toBe('unexpected');
    expect(check({} as RunRecord)).toEqual({ valid: true, anomalies: [], metrics: { applied: 0, deduplicated: 0, requests: 0 } });
  });

  describe('properties', () => {
    const ids = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}:[a-z0-9-]{1,8}$/), { minLength: 1, maxLength: 5 });
    // A ledger where every expected effect is applied once, plus deduplicated retries and unrelated rejections.
    const goodRun = ids.chain((effects) =>
      fc
        .array(
          fc.oneof(
            fc.record({ kind: fc.constant('dedup' as const), i: fc.nat() }),
            fc.record({ kind: fc.constant('reject' as const), i: fc.nat() }),
            fc.record({ kind: fc.constant('rejectOther' as const), i: fc.nat() }),
          ),
          { maxLength: 12 },
        )
        .chain((noise) =>
          fc.shuffledSubarray(
            [...effects.map((id) => ({ kind: 'apply' as const, id })), ...noise.map((n) => ({ ...n, id: effects[n.i % effects.length]! }))],
            { minLength: effects.length + noise.length },
          ),
        )
        .map((steps) => ({ effects, steps })),
    );

    const build = ({ effects, steps }: { effects: string[]; steps: { kind: string; id: string }[] }) => {
      const b = run().expect({ effects: effects.map((id) => eff(id)) });
      const applied = new Set<string>();
      for (const s of steps) {
        if (s.kind === 'apply') {
          b.effect(s.id, 'applied');
          applied.add(s.id);
        } else if (s.kind === 'dedup') b.effect(s.id, 'deduplicated');
        else if (s.kind === 'reject') b.effect(s.id, 'rejected', { reason: 'bad key' });
        else b.effect(`other:${s.id}`, 'rejected', { reason: 'unknown effect' });
      }
      return b;
    };

    it('is valid whenever each expected effect is applied exactly once', () => {
      fc.assert(
        fc.property(goodRun, (g) => {
          const res = check(build(g).build());
          expect(res.anomalies).toEqual([]);
          expect(res.valid).toBe(true);
          expect(res.metrics.applied).toBe(g.effects.length);
        }),
      );
    });

    it('one extra applied entry for any expected effect is a duplicate witnessed by that entry', () => {
      fc.assert(
        fc.property(goodRun, fc.nat(), (g, pick) => {
          const target = g.effects[pick % g.effects.length]!;
          const b = build(g).effect(target, 'applied');
          const r = b.build();
          const extraSeq = r.ledger.length - 1;
          const res = check(r);
          expect(res.valid).toBe(false);
          const dup = res.anomalies.find((a) => a.kind === 'duplicate');
          expect(dup?.message.startsWith(`${target} was applied 2 times`)).toBe(true);
          expect(dup?.witnesses.ledger).toContain(extraSeq);
          expect(res.anomalies).toHaveLength(1);
        }),
      );
    });
  });
});
