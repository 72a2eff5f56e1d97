import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withWorld, type TestWorld } from './helpers.js';

describe('world: resources', () => {
  let w: TestWorld;
  beforeEach(async () => (w = await withWorld()));
  afterEach(async () => w.stop());

  it('serves fixture resources at version 1 and increments on each write', async () => {
    expect((await w.get('/resources/order-1')).body).toEqual({ id: 'order-1', version: 1, value: { id: 'o-1', amount: 42 } });
    const put = await w.put('/resources/order-1', { value: { id: 'o-1', amount: 40 }, expectedVersion: 1 });
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(2);
    expect((await w.put('/resources/order-1', { value: 'free' })).body.version).toBe(3);
    expect((await w.get('/resources/order-1')).body).toEqual({ id: 'order-1', version: 3, value: 'free' });
  });

  it('answers 409 when expectedVersion is stale, and 404 for unknown resources', async () => {
    const stale = await w.put('/resources/order-1', { value: 1, expectedVersion: 7 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/expectedVersion/);
    expect((await w.get('/resources/order-1')).body.version).toBe(1);
    const missing = await w.get('/resources/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBeDefined();
  });

  it('records reads and writes with versions, and drift from set-resource as the world', async () => {
    await w.get('/resources/order-1');
    w.channel.deliver({ kind: 'set-resource', id: 'order-1', value: { id: 'o-1', amount: 0 } });
    expect((await w.get('/resources/order-1')).body).toMatchObject({ version: 2, value: { amount: 0 } });
    await w.put('/resources/order-1', { value: 'x', expectedVersion: 1 });
    const ops = w.channel.ops('resource');
    expect(ops.filter((o) => o.type !== 'invoke').map((o) => [o.type, o.value.action, o.value.version])).toEqual([
      ['ok', 'read', 1],
      ['info', 'drift', 2],
      ['ok', 'read', 2],
      ['fail', 'write', 2],
    ]);
    expect(ops.find((o) => o.value.action === 'drift')!.process).toBe('world');
  });
});

describe('world: approvals', () => {
  let w: TestWorld;
  beforeEach(async () => (w = await withWorld()));
  afterEach(async () => w.stop());

  it('registers once, tells the orchestrator, and serves the decision to pollers', async () => {
    const first = await w.post('/approvals', { id: 'ap-1', summary: 'Refund 42', payload: { amount: 42 } }, { 'x-ordeal-pid': '9' });
    expect(first.body).toMatchObject({ id: 'ap-1', status: 'pending' });
    const again = await w.post('/approvals', { id: 'ap-1', summary: 'Refund 42' });
    expect(again.body.status).toBe('pending');
    const ipc = w.channel.sent.filter((m) => m.kind === 'approval');
    expect(ipc).toEqual([{ kind: 'approval', id: 'ap-1', request: { summary: 'Refund 42', payload: { amount: 42 }, pid: 9 } }]);
    expect((await w.get('/approvals/ap-1')).body.status).toBe('pending');

    const decided = await w.post('/approvals/ap-1/decision', { approved: true, values: { amount: 40 } });
    expect(decided.status).toBe(200);
    const polled = await w.get('/approvals/ap-1');
    expect(polled.body).toMatchObject({ id: 'ap-1', status: 'approved', decision: { approved: true, values: { amount: 40 } } });
    expect((await w.post('/approvals/ap-1/decision', { approved: true })).status).toBe(200);
    expect((await w.post('/approvals/ap-1/decision', { approved: false })).status).toBe(409);

    const ops = w.channel.ops('approval').map((o) => o.value);
    expect(ops).toEqual([
      { event: 'requested', id: 'ap-1' },
      { event: 'decided', id: 'ap-1', approved: true, values: { amount: 40 } },
    ]);
  });

  it('404s unknown approvals and rejects a decision that is not a boolean', async () => {
    expect((await w.get('/approvals/none')).status).toBe(404);
    expect((await w.post('/approvals/none/decision', { approved: true })).status).toBe(404);
    await w.post('/approvals', { id: 'a', summary: 's' });
    const bad = await w.post('/approvals/a/decision', { approved: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/approved/);
  });

  it('holds the first approval request on approval:waiting', async () => {
    w.channel.deliver({ kind: 'arm', faults: [{ index: 5, trigger: { kind: 'approval', state: 'waiting' } }] });
    const pending = fetch(w.url + '/approvals', { method: 'POST', body: JSON.stringify({ id: 'a1', summary: 's' }) });
    const trig = await w.channel.waitForTrigger();
    expect(trig).toMatchObject({ faultIndex: 5, detail: { trigger: 'approval:waiting', approval: 'a1' } });
    expect(w.channel.sent.some((m) => m.kind === 'approval')).toBe(true);
    w.channel.deliver({ kind: 'release', holdId: trig.holdId, action: { type: 'continue' } });
    expect((await pending).status).toBe(200);
  });
});

describe('world: probes', () => {
  let w: TestWorld;
  beforeEach(async () => (w = await withWorld()));
  afterEach(async () => w.stop());

  it('records probes as info ops and holds the N-th step:journaled probe', async () => {
    const res = await w.post('/probe', { point: 'llm:before', step: 1, attempt: 1, replayed: false, detail: { a: 1 } }, { 'x-ordeal-pid': '5' });
    expect(res).toEqual({ status: 200, body: {} });
    expect(w.channel.ops('probe')[0]).toMatchObject({
      type: 'info',
      pid: 5,
      value: { point: 'llm:before', step: 1, attempt: 1, replayed: false, detail: { a: 1 } },
    });

    w.channel.deliver({
      kind: 'arm',
      faults: [
        { index: 0, trigger: { kind: 'step', n: 2 } },
        { index: 1, trigger: { kind: 'shell', n: 1 } },
      ],
    });
    expect((await w.post('/probe', { point: 'step:journaled', step: 'a' })).status).toBe(200);
    const pending = fetch(w.url + '/probe', { method: 'POST', body: JSON.stringify({ point: 'step:journaled', step: 'b' }) });
    const trig = await w.channel.waitForTrigger();
    expect(trig.detail).toMatchObject({ trigger: 'step:2', step: 'b' });
    w.channel.deliver({ kind: 'release', holdId: trig.holdId, action: { type: 'drop' } });
    await expect(pending).rejects.toThrow();

    const shell = fetch(w.url + '/probe', { method: 'POST', body: JSON.stringify({ point: 'shell:before' }) });
    const t2 = await w.channel.waitFor((m) => m.kind === 'trigger' && m.faultIndex === 1);
    w.channel.deliver({ kind: 'release', holdId: (t2 as { holdId: number }).holdId, action: { type: 'continue' } });
    expect((await shell).status).toBe(200);
  });
});
