import { describe, expect, it } from 'vitest';
import { driftSafety } from '../../../../harness/checks/drift-safety.js';
import type { RunRecord } from '../../../../harness/store/types.js';
import { run } from './fixtures.js';

const check = (r: RunRecord) => driftSafety.check(r);

/** The agent reads product/widget (version 1), someone else changes it, then the agent charges. */
function readDriftCharge(reread: boolean) {
  const b = run().start();
  b.op('resource', 'invoke', { action: 'read', id: 'product/widget' }, 'r1');
  b.op('resource', 'ok', { action: 'read', id: 'product/widget', version: 1 }, 'r1');
  b.op('resource', 'info', { action: 'drift', id: 'product/widget', version: 2 }, undefined, 'world');
  if (reread) {
    b.op('resource', 'invoke', { action: 'read', id: 'product/widget' }, 'r2');
    b.op('resource', 'ok', { action: 'read', id: 'product/widget', version: 2 }, 'r2');
  }
  b.op('effect', 'invoke', { type: 'charge_card', effect: 'charge:acme', key: null, attempt: 1 }, 'e1');
  b.op('effect', 'ok', { outcome: 'applied', receipt: 'rcpt-1' }, 'e1');
  return b;
}

describe('drift-safety', () => {
  it('flags an effect applied after a drift of a resource the agent read before it, with the read, drift and effect as witnesses', () => {
    const res = check(readDriftCharge(false).build());
    expect(res.valid).toBe(false);
    expect(res.anomalies).toHaveLength(1);
    expect(res.anomalies[0]).toMatchObject({ kind: 'stale-read', witnesses: { ops: [2, 3, 4] } });
    expect(res.anomalies[0]?.message).toBe(
      'charge:acme was applied on the basis of product/widget version 1 (read at op #2), but someone else changed it to version 2 at op #3, before the effect (op #4), and the agent did not read it again.',
    );
    expect(res.metrics).toEqual({ drifts: 1, appliedEffects: 1, staleEffects: 1 });
  });

  it('accepts the agent that read the resource again after the drift', () => {
    expect(check(readDriftCharge(true).build())).toMatchObject({ valid: true, anomalies: [] });
  });

  it('ignores a drift that happened after the effect was invoked, a failed effect, and a drift of an unread resource', () => {
    const b = run().start();
    b.op('resource', 'ok', { action: 'read', id: 'a', version: 1 }, 'r1');
    b.op('resource', 'info', { action: 'drift', id: 'b', version: 2 }, undefined, 'world');
    b.op('effect', 'invoke', { effect: 'x:1', attempt: 1 }, 'e1');
    b.op('resource', 'info', { action: 'drift', id: 'a', version: 2 }, undefined, 'world');
    b.op('effect', 'ok', { outcome: 'applied' }, 'e1');
    b.op('effect', 'invoke', { effect: 'x:2', attempt: 1 }, 'e2');
    b.op('effect', 'fail', { outcome: 'rejected' }, 'e2');
    expect(check(b.build()).valid).toBe(true);
  });

  it("counts the agent's own write as knowing the new version, and an effect whose ack was lost as applied", () => {
    const b = run().start();
    b.op('resource', 'ok', { action: 'read', id: 'a', version: 1 }, 'r1');
    b.op('resource', 'info', { action: 'drift', id: 'a', version: 2 }, undefined, 'world');
    b.op('effect', 'invoke', { effect: 'x:1', attempt: 1 }, 'e1');
    b.op('effect', 'info', { reason: 'reset-after-apply', outcome: 'applied' }, 'e1');
    expect(check(b.build()).anomalies.map((a) => a.kind)).toEqual(['stale-read']);
    const w = run().start();
    w.op('resource', 'ok', { action: 'read', id: 'a', version: 1 }, 'r1');
    w.op('resource', 'info', { action: 'drift', id: 'a', version: 2 }, undefined, 'world');
    w.op('resource', 'ok', { action: 'write', id: 'a', version: 3 }, 'w1');
    w.op('effect', 'invoke', { effect: 'x:1', attempt: 1 }, 'e1');
    w.op('effect', 'ok', { outcome: 'applied' }, 'e1');
    expect(check(w.build()).valid).toBe(true);
  });

  it('never throws on a damaged run', () => {
    expect(check({} as RunRecord).valid).toBe(true);
    expect(check({ history: [null, 3, { f: 'effect', type: 'ok', id: 'zz', value: 'x' }] } as unknown as RunRecord).valid).toBe(true);
  });
});
