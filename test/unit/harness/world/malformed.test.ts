import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withWorld, type TestWorld } from './helpers.js';

const endpoints: [string, string][] = [
  ['POST', '/v1/chat/completions'],
  ['POST', '/effects/refund'],
  ['POST', '/effects/nope'],
  ['GET', '/resources/order-1'],
  ['PUT', '/resources/order-1'],
  ['POST', '/approvals'],
  ['GET', '/approvals/a'],
  ['POST', '/approvals/a/decision'],
  ['POST', '/probe'],
  ['POST', '/v1/traces'],
  ['GET', '/health'],
  ['GET', '/state'],
  ['DELETE', '/probe'],
  ['POST', '/no/such/route'],
];

/** Bodies that are mostly wrong: random text, random JSON, and objects with the right field names but random values. */
const body = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        messages: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.array(fc.record({ role: fc.jsonValue({ maxDepth: 1 }), content: fc.jsonValue({ maxDepth: 2 }) })),
        ),
        stream: fc.jsonValue({ maxDepth: 1 }),
        value: fc.jsonValue({ maxDepth: 2 }),
        expectedVersion: fc.jsonValue({ maxDepth: 1 }),
        id: fc.jsonValue({ maxDepth: 1 }),
        summary: fc.jsonValue({ maxDepth: 1 }),
        approved: fc.jsonValue({ maxDepth: 1 }),
        values: fc.jsonValue({ maxDepth: 2 }),
        point: fc.jsonValue({ maxDepth: 1 }),
        step: fc.jsonValue({ maxDepth: 1 }),
        attempt: fc.jsonValue({ maxDepth: 1 }),
        detail: fc.jsonValue({ maxDepth: 2 }),
        resourceSpans: fc.jsonValue({ maxDepth: 5 }),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);

describe('world: malformed requests', () => {
  let w: TestWorld;
  beforeAll(async () => (w = await withWorld()));
  afterAll(async () => w.stop());

  it('answers every random request with 2xx or a 4xx error body, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), body, async ([method, path], text) => {
        const res = await fetch(w.url + path, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(method === 'GET' ? {} : { body: text }),
        });
        const raw = await res.text();
        const parsed = JSON.parse(raw);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(typeof parsed.error.code).toBe('string');
          expect(typeof parsed.error.message).toBe('string');
          expect(parsed.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
    expect((await w.get('/health')).body).toEqual({ ok: true });
  });

  it('names the field and what was expected', async () => {
    const r1 = await w.post('/v1/chat/completions', { messages: [{ role: 7 }] });
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toContain('messages[0].role');
    const r2 = await w.put('/resources/order-1', { value: 1, expectedVersion: 'one' });
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toContain('expectedVersion');
    const r3 = await w.post('/probe', { step: 1 });
    expect(r3.body.error.message).toContain("'point'");
    const r4 = await w.post('/effects/refund', [1, 2]);
    expect(r4.status).toBe(400);
    expect(r4.body.error.message).toMatch(/JSON object/);
  });

  it('refuses values a real model API or the world cannot mean, and records nothing for them', async () => {
    const ops = w.channel.ops().length;
    const ask = (extra: Record<string, unknown>) => w.post('/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], ...extra });
    const role = await w.post('/v1/chat/completions', { messages: [{ role: 'wizard', content: 'hi' }] });
    expect(role.status).toBe(400);
    expect(role.body.error.message).toContain(
      "field 'messages[0].role' must be one of 'system', 'developer', 'user', 'assistant', 'tool', 'function' (got",
    );
    const tools = await ask({ tools: 'x' });
    expect(tools.status).toBe(400);
    expect(tools.body.error.message).toContain("field 'tools' must be an array");
    const nameless = await ask({ tools: [{ type: 'function', function: { parameters: {} } }] });
    expect(nameless.status).toBe(400);
    expect(nameless.body.error.message).toContain("field 'tools[0].function' must be an object with a non-empty string name");
    const step = await w.post('/probe', { point: 'step:journaled', step: 1.5 });
    expect(step.status).toBe(400);
    expect(step.body.error.message).toContain("field 'step' must be a whole number or a string when present (got number 1.5)");
    const payload = await w.post('/approvals', { id: 'a-1', summary: 'ok?', payload: 'all of it' });
    expect(payload.status).toBe(400);
    expect(payload.body.error.message).toContain("field 'payload' must be a JSON object when present");
    for (const pid of ['abc', '0', '-3', '12.5']) {
      const res = await fetch(w.url + '/probe', { method: 'POST', headers: { 'x-ordeal-pid': pid }, body: JSON.stringify({ point: 'x' }) });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad-header');
      expect(body.error.message).toContain(`header 'x-ordeal-pid' must be the sending process's pid, a whole number from 1 (got "${pid}")`);
    }
    expect(w.channel.ops()).toHaveLength(ops);
    // what the workers send is still taken
    expect((await ask({ tools: [{ type: 'function', function: { name: 'noop', parameters: { type: 'object' } } }] })).status).toBe(200);
    const ok = await fetch(w.url + '/probe', { method: 'POST', headers: { 'x-ordeal-pid': '4242' }, body: JSON.stringify({ point: 'x', step: -1 }) });
    expect(ok.status).toBe(200);
    expect(w.channel.ops().at(-1)).toMatchObject({ f: 'probe', pid: 4242, value: { point: 'x', step: -1 } });
  });

  it('answers bad JSON, unknown routes, wrong methods and oversized bodies with 4xx', async () => {
    const bad = await w.post('/probe', '{"point": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad-json');
    const unknown = await w.get('/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('/v1/chat/completions');
    const wrong = await fetch(w.url + '/health', { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    const huge = await w.post('/probe', JSON.stringify({ point: 'x', detail: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload-too-large');
    expect((await w.get('/health')).status).toBe(200);
  });
});
