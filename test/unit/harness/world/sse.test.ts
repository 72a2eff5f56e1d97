import { describe, expect, it } from 'vitest';
import { answerChunks, ChunkAssembler, sseData } from '../../../../harness/world/sse.js';

async function* bytes(parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}

const answer = {
  id: 'chatcmpl-1',
  created: 1,
  model: 'm',
  system_fingerprint: 'fp',
  choices: [
    {
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: 'Looking.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'read_resource', arguments: '{"id":"order/1"}' } },
          { id: 'call_b', type: 'function', function: { name: 'refund', arguments: '{"order":"1","amount":10}' } },
        ],
      },
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
};

describe('chat completion streams', () => {
  it('splits events wherever the network cuts the bytes (CRLF, multi-line data, no blank line at the end)', async () => {
    const got: string[] = [];
    for await (const d of sseData(bytes(['data: {"a"', ':1}\r\n\r\nda', 'ta: x\ndata: y\n\n: comment\n\ndata: [DONE]']))) got.push(d);
    expect(got).toEqual(['{"a":1}', 'x\ny', '[DONE]']);
  });

  it('puts the chunks of an answer back together: content, tool calls by index with their ids, finish reason, usage', () => {
    const a = new ChunkAssembler();
    for (const c of answerChunks(answer, true)) a.add(c);
    expect(a.message()).toEqual({
      content: 'Looking.',
      toolCalls: answer.choices[0]!.message.tool_calls,
      finishReason: 'tool_calls',
      usage: answer.usage,
      model: 'm',
      id: 'chatcmpl-1',
    });
    // arguments split over many deltas, as real models send them
    const b = new ChunkAssembler();
    b.add({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_x', function: { name: 'shell', arguments: '{"comm' } }] } }] });
    b.add({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'and":"ls"}' } }] } }] });
    b.add({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
    expect(b.message().toolCalls).toEqual([{ id: 'call_x', type: 'function', function: { name: 'shell', arguments: '{"command":"ls"}' } }]);
    expect(b.message().content).toBeNull();
  });

  it('sends the usage chunk only when asked', () => {
    expect(answerChunks(answer, false).some((c) => 'usage' in c)).toBe(false);
    expect(answerChunks(answer, true).at(-1)).toEqual(expect.objectContaining({ choices: [], usage: answer.usage }));
  });
});
