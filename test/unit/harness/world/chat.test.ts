import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversation, withWorld, type TestWorld } from './helpers.js';

describe('world: POST /v1/chat/completions', () => {
  let w: TestWorld;
  beforeEach(async () => (w = await withWorld()));
  afterEach(async () => w.stop());

  const order = { id: 'order-1', version: 1, value: { id: 'o-1', amount: 42 } };

  it('answers the turn given by the number of assistant messages, with fresh tool call ids', async () => {
    const first = await w.post('/v1/chat/completions', { model: 'gpt-x', temperature: 0, tools: [], messages: conversation([]) });
    expect(first.status).toBe(200);
    const choice = first.body.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Looking it up');
    expect(choice.message.tool_calls).toHaveLength(1);
    expect(choice.message.tool_calls[0].type).toBe('function');
    expect(choice.message.tool_calls[0].function.name).toBe('read_resource');
    expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toEqual({ id: 'order-1' });
    expect(first.body.model).toBe('gpt-x');

    // The same conversation again (a replayed call): the same turn, but new ids.
    const again = await w.post('/v1/chat/completions', { messages: conversation([]) });
    expect(again.body.choices[0].message.tool_calls[0].function.name).toBe('read_resource');
    expect(again.body.choices[0].message.tool_calls[0].id).not.toBe(choice.message.tool_calls[0].id);

    const second = await w.post('/v1/chat/completions', { messages: conversation([[order]]) });
    const calls = second.body.choices[0].message.tool_calls;
    expect(calls.map((c: any) => c.function.name)).toEqual(['refund', 'send_email']);
    expect(new Set(calls.map((c: any) => c.id)).size).toBe(2);
    expect(second.body.choices[0].message.content).toBeNull();
  });

  it('replaces {{result:N.path}} templates keeping the JSON type of whole-string templates', async () => {
    const res = await w.post('/v1/chat/completions', { messages: conversation([[order]]) });
    const args = JSON.parse(res.body.choices[0].message.tool_calls[0].function.arguments);
    expect(args).toEqual({ order: 'o-1', amount: 42, note: 'refund of o-1' });
  });

  it('answers the final turn with stop, its usage, and keeps answering it past the end of the cassette', async () => {
    const done = await w.post('/v1/chat/completions', { messages: conversation([[order], [{}, {}]]) });
    expect(done.body.choices[0].finish_reason).toBe('stop');
    expect(done.body.choices[0].message.content).toBe('Refunded o-1');
    expect(done.body.choices[0].message.tool_calls).toBeUndefined();
    expect(done.body.usage).toEqual({ prompt_tokens: 100, completion_tokens: 7, total_tokens: 107 });
    const past = await w.post('/v1/chat/completions', { messages: conversation([[order], [{}, {}], [{}], [{}]]) });
    expect(past.body.choices[0].finish_reason).toBe('stop');
    expect(past.body.choices[0].message.content).toBe('Refunded o-1');
  });

  it('estimates usage from characters when the turn has none', async () => {
    const messages = [{ role: 'user', content: 'x'.repeat(40) }];
    const res = await w.post('/v1/chat/completions', { messages });
    expect(res.body.usage.prompt_tokens).toBe(10);
    const answer = res.body.choices[0].message;
    const chars =
      answer.content.length + answer.tool_calls.reduce((s: number, c: any) => s + c.function.name.length + c.function.arguments.length, 0);
    expect(res.body.usage.completion_tokens).toBe(Math.ceil(chars / 4));
  });

  it('records llm invoke and ok ops paired by id', async () => {
    await w.post('/v1/chat/completions', { messages: conversation([[order]]) }, { 'x-ordeal-pid': '4242' });
    const ops = w.channel.ops('llm');
    expect(ops.map((o) => o.type)).toEqual(['invoke', 'ok']);
    expect(ops[0]!.id).toBeDefined();
    expect(ops[1]!.id).toBe(ops[0]!.id);
    expect(ops[0]!.pid).toBe(4242);
    expect(ops[0]!.value).toMatchObject({ turn: 1 });
    expect(ops[1]!.value).toMatchObject({ turn: 1, toolCalls: 2 });
    expect(typeof ops[1]!.value.completionTokens).toBe('number');
    expect(ops[1]!.time).toBeGreaterThanOrEqual(ops[0]!.time);
  });

  it('streams the same answer as server-sent chunks when asked (stream: true), with the usage chunk only when asked', async () => {
    const plain = (await w.post('/v1/chat/completions', { messages: conversation([[order]]) })).body;
    const streamed = async (extra: Record<string, unknown>) => {
      const res = await fetch(w.url + '/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ stream: true, messages: conversation([[order]]), ...extra }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = (await res.text()).split('\n\n').filter(Boolean);
      expect(events.at(-1)).toBe('data: [DONE]');
      return events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
    };
    const chunks = await streamed({});
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    const calls = new Map<number, { id: string; name: string; args: string }>();
    for (const c of chunks)
      for (const d of c.choices[0]?.delta?.tool_calls ?? []) {
        const call = calls.get(d.index) ?? { id: '', name: '', args: '' };
        if (d.id) call.id = d.id;
        call.name += d.function?.name ?? '';
        call.args += d.function?.arguments ?? '';
        calls.set(d.index, call);
      }
    const want = plain.choices[0].message.tool_calls;
    expect([...calls.values()].map((c) => [c.name, JSON.parse(c.args)])).toEqual(
      want.map((c: any) => [c.function.name, JSON.parse(c.function.arguments)]),
    );
    expect(new Set([...calls.values()].map((c) => c.id)).size).toBe(want.length);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
    expect(chunks.some((c) => c.usage)).toBe(false);
    const withUsage = await streamed({ stream_options: { include_usage: true } });
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });
    expect(w.channel.ops('llm').filter((o) => o.type === 'ok')).toHaveLength(3);
  });

  it('answers an injected 429 with retry-after when an llm-call fault is released with error', async () => {
    w.channel.deliver({ kind: 'arm', faults: [{ index: 0, trigger: { kind: 'llm-call', n: 2 } }] });
    const ok = await w.post('/v1/chat/completions', { messages: conversation([]) });
    expect(ok.status).toBe(200);
    const pending = fetch(w.url + '/v1/chat/completions', { method: 'POST', body: JSON.stringify({ messages: conversation([]) }) });
    const trig = await w.channel.waitForTrigger();
    expect(trig.faultIndex).toBe(0);
    expect(trig.detail.trigger).toBe('llm-call:2');
    w.channel.deliver({ kind: 'release', holdId: trig.holdId, action: { type: 'error', status: 429, headers: { 'retry-after': '1' } } });
    const res = await pending;
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(w.channel.ops('llm').at(-1)).toMatchObject({ type: 'fail', value: { status: 429 } });
    // fired once: the third call goes through
    expect((await w.post('/v1/chat/completions', { messages: conversation([]) })).status).toBe(200);
  });

  describe('refuses, as a model API does (400 invalid-conversation), a conversation whose tool calls and answers do not pair', () => {
    const order = { id: 'order-1', version: 1, value: { id: 'o-1', amount: 42 } };
    const refused = async (messages: unknown[]) => {
      const res = await w.post('/v1/chat/completions', { messages });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid-conversation');
      return String(res.body.error.message);
    };

    it('a call left unanswered, the thread a crash between two checkpoints can leave: before the next message, or at the end', async () => {
      const two = conversation([[order], [{}, {}]]);
      const lost = two.filter((m) => m.tool_call_id !== 'x1_1');
      expect(await refused(lost)).toMatch(/^messages\[4\] is an assistant message with tool_calls, .* the conversation ends with no answer to x1_1$/);
      expect(await refused([...lost, { role: 'user', content: 'and?' }])).toMatch(/before messages\[6\] \(role 'user'\): no answer to x1_1$/);
    });

    it('a tool message with no call before it, or answering a call id the assistant message did not make', async () => {
      const base = conversation([[order]]);
      expect(await refused([base[0], base[1], base[3]])).toMatch(
        /^messages\[2\] has role 'tool' but no assistant message with tool_calls comes before it/,
      );
      const wrong = base.map((m) => (m.role === 'tool' ? { ...m, tool_call_id: 'call_9' } : m));
      expect(await refused(wrong)).toBe('messages[3].tool_call_id "call_9" is not one of the tool_calls of messages[2] (x0_0)');
      // and nothing of it was recorded as a model call
      expect(w.channel.ops('llm')).toEqual([]);
    });

    it('answers the calls in any order, and a conversation that pairs them is answered', async () => {
      const two = conversation([[order], [{}, {}]]);
      const swapped = [...two.slice(0, 5), two[6]!, two[5]!];
      expect((await w.post('/v1/chat/completions', { messages: swapped })).status).toBe(200);
    });
  });
});
