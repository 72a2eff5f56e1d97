import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unexpectedEffectId } from '../../../../harness/world/index.js';
import { withWorld, type TestWorld } from './helpers.js';

const refundArgs = { order: 'o-1', amount: 42, note: 'refund of o-1' };
const emailArgs = { to: 'c@example.com', body: 'Your refund is on its way' };

describe('world: POST /effects/:type', () => {
  let w: TestWorld;
  beforeEach(async () => (w = await withWorld()));
  afterEach(async () => w.stop());

  it('applies once per idempotency key and answers the stored response to a repeat', async () => {
    const a = await w.post('/effects/refund', refundArgs, { 'idempotency-key': 'k1', 'x-ordeal-pid': '11' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ ok: true, effect: 'refund:order-1', receipt: 'rcpt-1', deduplicated: false });
    const b = await w.post('/effects/refund', refundArgs, { 'idempotency-key': 'k1', 'x-ordeal-pid': '12' });
    expect(b.body).toEqual({ ok: true, effect: 'refund:order-1', receipt: 'rcpt-1', deduplicated: true });
    // the same key for another type is another request
    const c = await w.post('/effects/send_email', emailArgs, { 'idempotency-key': 'k1' });
    expect(c.body.deduplicated).toBe(false);

    const ledger = w.lines('ledger.jsonl');
    expect(ledger).toHaveLength(3);
    expect(ledger[0]).toMatchObject({
      seq: 1,
      effect: 'refund:order-1',
      type: 'refund',
      key: 'k1',
      outcome: 'applied',
      attempt: 1,
      pid: 11,
      args: refundArgs,
    });
    expect(ledger[1]).toMatchObject({ seq: 2, effect: 'refund:order-1', outcome: 'deduplicated', attempt: 2, pid: 12 });
    expect(ledger[2]).toMatchObject({ seq: 3, effect: 'email:customer', outcome: 'applied', attempt: 1, pid: null });
    expect(typeof ledger[0].time).toBe('number');

    const ops = w.channel.ops('effect');
    expect(ops.map((o) => o.type)).toEqual(['invoke', 'ok', 'invoke', 'ok', 'invoke', 'ok']);
    expect(ops[0]).toMatchObject({ pid: 11, value: { type: 'refund', effect: 'refund:order-1', key: 'k1', attempt: 1 } });
    expect(ops[1]).toMatchObject({ id: ops[0]!.id, value: { outcome: 'applied' } });
    expect(ops[3]).toMatchObject({ id: ops[2]!.id, value: { outcome: 'deduplicated' } });
  });

  it('applies every request without a key', async () => {
    await w.post('/effects/send_email', emailArgs);
    await w.post('/effects/send_email', emailArgs);
    expect(w.lines('ledger.jsonl').map((l) => [l.outcome, l.attempt, l.key])).toEqual([
      ['applied', 1, null],
      ['applied', 2, null],
    ]);
  });

  it('rejects a reused key with different arguments', async () => {
    await w.post('/effects/send_email', emailArgs, { 'idempotency-key': 'k' });
    const res = await w.post('/effects/send_email', { ...emailArgs, body: 'other' }, { 'idempotency-key': 'k' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('idempotency-key-reused');
    expect(w.lines('ledger.jsonl')[1]).toMatchObject({ outcome: 'rejected' });
  });

  it('names the logical effect from the cassette (templates match anything) or an unexpected id', async () => {
    const templated = await w.post('/effects/refund', { order: 'zzz', amount: 1, note: 'x' });
    expect(templated.body.effect).toBe('refund:order-1');
    const otherArgs = { to: 'someone@else', body: 'Your refund is on its way' };
    const other = await w.post('/effects/send_email', otherArgs);
    expect(other.body.effect).toMatch(/^send_email:unexpected:[0-9a-f]{8}$/);
    expect(other.body.effect).toBe(unexpectedEffectId('send_email', otherArgs));
    // key order does not matter for the hash
    expect(unexpectedEffectId('send_email', { body: otherArgs.body, to: otherArgs.to })).toBe(other.body.effect);
    const extra = await w.post('/effects/send_email', { ...emailArgs, cc: 'x' });
    expect(extra.body.effect).toMatch(/unexpected/);
  });

  it('404s an unknown effect type, naming the valid ones', async () => {
    const res = await w.post('/effects/launch_missiles', {});
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('send_email');
    expect(res.body.error.message).toContain('charge_card');
  });

  it('after-effect hold released with drop: the effect is applied and logged, the caller gets no answer, the op is info', async () => {
    w.channel.deliver({ kind: 'arm', faults: [{ index: 3, trigger: { kind: 'after-effect', n: 1 } }] });
    const pending = fetch(w.url + '/effects/refund', {
      method: 'POST',
      body: JSON.stringify(refundArgs),
      headers: { 'x-ordeal-pid': '77', 'idempotency-key': 'k9' },
    });
    const trig = await w.channel.waitForTrigger();
    expect(trig).toMatchObject({ faultIndex: 3, pid: 77 });
    expect(trig.detail).toMatchObject({ trigger: 'after-effect:1', effect: 'refund:order-1' });
    // applied and written before the response
    expect(w.lines('ledger.jsonl')).toHaveLength(1);
    w.channel.deliver({ kind: 'release', holdId: trig.holdId, action: { type: 'drop' } });
    await expect(pending).rejects.toThrow();
    const ledger = w.lines('ledger.jsonl');
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ outcome: 'applied', effect: 'refund:order-1', pid: 77 });
    const ops = w.channel.ops('effect');
    expect(ops.map((o) => o.type)).toEqual(['invoke', 'info']);
    expect(ops[1]).toMatchObject({ id: ops[0]!.id, value: { reason: 'dropped-after-apply', outcome: 'applied' } });
    // a retry with the same key is deduplicated: the world remembers
    const retry = await w.post('/effects/refund', refundArgs, { 'idempotency-key': 'k9' });
    expect(retry.body).toMatchObject({ deduplicated: true, receipt: 'rcpt-1' });
  });

  it('before-effect hold released with drop applies nothing', async () => {
    w.channel.deliver({ kind: 'arm', faults: [{ index: 0, trigger: { kind: 'before-effect', n: 2 } }] });
    await w.post('/effects/send_email', emailArgs);
    const pending = fetch(w.url + '/effects/refund', { method: 'POST', body: JSON.stringify(refundArgs) });
    const trig = await w.channel.waitForTrigger();
    expect(trig.detail.trigger).toBe('before-effect:2');
    w.channel.deliver({ kind: 'release', holdId: trig.holdId, action: { type: 'drop' } });
    await expect(pending).rejects.toThrow();
    expect(w.lines('ledger.jsonl').map((l) => l.effect)).toEqual(['email:customer']);
    const last = w.channel.ops('effect').at(-1)!;
    expect(last).toMatchObject({ type: 'info', value: { reason: 'dropped-before-apply' } });
    expect((await w.get('/state')).body.effects.applied).toEqual({ 'email:customer': 1 });
  });

  it('before-effect reset applies the effect then resets; continue and delay answer normally', async () => {
    w.channel.deliver({
      kind: 'arm',
      faults: [
        { index: 0, trigger: { kind: 'before-effect', n: 1 } },
        { index: 1, trigger: { kind: 'after-effect', n: 2 } },
        { index: 2, trigger: { kind: 'before-effect', n: 3 } },
      ],
    });
    const send = () => fetch(w.url + '/effects/send_email', { method: 'POST', body: JSON.stringify(emailArgs) });
    const first = send();
    const t1 = await w.channel.waitForTrigger();
    w.channel.deliver({ kind: 'release', holdId: t1.holdId, action: { type: 'reset' } });
    await expect(first).rejects.toThrow();
    expect(w.lines('ledger.jsonl')).toHaveLength(1);
    expect(w.channel.ops('effect').at(-1)).toMatchObject({ type: 'info', value: { reason: 'reset-after-apply' } });

    const second = send();
    const t2 = await w.channel.waitFor((m) => m.kind === 'trigger' && m.holdId !== t1.holdId);
    w.channel.deliver({ kind: 'release', holdId: (t2 as { holdId: number }).holdId, action: { type: 'continue' } });
    expect((await second).status).toBe(200);

    const third = send();
    const t3 = await w.channel.waitFor((m) => m.kind === 'trigger' && m.faultIndex === 2);
    w.channel.deliver({ kind: 'release', holdId: (t3 as { holdId: number }).holdId, action: { type: 'delay', ms: 5 } });
    expect((await third).status).toBe(200);
    expect(w.lines('ledger.jsonl').map((l) => l.attempt)).toEqual([1, 2, 3]);
    expect(w.channel.ops('effect').filter((o) => o.type === 'ok')).toHaveLength(2);
  });

  it('after-effect error answers the injected status while the effect stays applied', async () => {
    w.channel.deliver({ kind: 'arm', faults: [{ index: 0, trigger: { kind: 'after-effect', n: 1 } }] });
    const pending = fetch(w.url + '/effects/charge_card', { method: 'POST', body: JSON.stringify({ amount: 5 }) });
    const trig = await w.channel.waitForTrigger();
    w.channel.deliver({ kind: 'release', holdId: trig.holdId, action: { type: 'error', status: 503 } });
    const res = await pending;
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('injected-fault');
    expect(w.lines('ledger.jsonl')[0]).toMatchObject({ outcome: 'applied', effect: expect.stringMatching(/^charge_card:unexpected:/) });
    expect(w.channel.ops('effect').at(-1)).toMatchObject({ type: 'info', value: { reason: 'error-after-apply', status: 503 } });
  });
});
