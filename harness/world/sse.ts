/**
 * OpenAI chat completion streams (`stream: true`): server-sent events of `chat.completion.chunk` objects ending with
 * `data: [DONE]`. Writing a completed answer as such a stream, reading one event by event, and putting the chunks
 * back together into the message they carry (content, tool calls by index with their ids, usage).
 */
import { isRecord } from '../json.js';
import type { Json } from './fields.js';

/** One assistant message rebuilt from a stream, as the non-streaming answer would have carried it. */
export interface AssembledMessage {
  content: string | null;
  toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  finishReason: string | null;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens?: number };
  model?: string;
  id?: string;
}

/** Accumulates `chat.completion.chunk`s of choice 0: content deltas appended, tool call deltas merged by `index`. */
export class ChunkAssembler {
  private content: string | undefined;
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();
  private finish: string | null = null;
  private usage: AssembledMessage['usage'];
  private model: string | undefined;
  private id: string | undefined;

  add(chunk: unknown): void {
    if (!isRecord(chunk)) return;
    if (typeof chunk.model === 'string') this.model = chunk.model;
    if (typeof chunk.id === 'string') this.id = chunk.id;
    if (isRecord(chunk.usage)) this.usage = chunk.usage as AssembledMessage['usage'];
    const choice = Array.isArray(chunk.choices) ? chunk.choices.find((c) => isRecord(c) && (c.index ?? 0) === 0) : undefined;
    if (!isRecord(choice)) return;
    if (typeof choice.finish_reason === 'string') this.finish = choice.finish_reason;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string') this.content = (this.content ?? '') + delta.content;
    if (Array.isArray(delta.tool_calls))
      for (const d of delta.tool_calls) {
        if (!isRecord(d)) continue;
        const index = typeof d.index === 'number' ? d.index : this.calls.size;
        const call = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
        if (typeof d.id === 'string' && d.id !== '') call.id = d.id;
        const fn = isRecord(d.function) ? d.function : {};
        if (typeof fn.name === 'string') call.name += fn.name;
        if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
        this.calls.set(index, call);
      }
  }

  message(): AssembledMessage {
    return {
      content: this.content ?? null,
      toolCalls: [...this.calls]
        .sort(([a], [b]) => a - b)
        .map(([, c]) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
      finishReason: this.finish,
      ...(this.usage ? { usage: this.usage } : {}),
      ...(this.model ? { model: this.model } : {}),
      ...(this.id ? { id: this.id } : {}),
    };
  }
}

/** Splits a byte stream of server-sent events into the `data` of each event (multi-line data joined with '\n'). */
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  const events = function* (final: boolean): Generator<string> {
    buffer = buffer.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0 || (final && buffer.trim() !== '' && (end = buffer.length) > 0)) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''));
      if (data.length > 0) yield data.join('\n');
    }
  };
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    yield* events(false);
  }
  buffer += decoder.decode();
  yield* events(true);
}

/**
 * The chunks a real server streams for a completed chat answer: the role, the content, each tool call (its id, name
 * and arguments in the first delta of its index), the finish reason, then the usage chunk when the client asked
 * (`stream_options.include_usage`).
 */
export function answerChunks(body: Json, includeUsage: boolean): Json[] {
  const choice = (body.choices as Json[])[0]!;
  const message = choice.message as Json;
  const base = {
    id: body.id,
    object: 'chat.completion.chunk',
    created: body.created,
    model: body.model,
    system_fingerprint: body.system_fingerprint,
  };
  const chunk = (delta: Json, finish: string | null = null): Json => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const out: Json[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  if (typeof message.content === 'string' && message.content !== '') out.push(chunk({ content: message.content }));
  const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as Json[]) : [];
  calls.forEach((c, index) => {
    const fn = c.function as Json;
    out.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: fn.name, arguments: '' } }] }));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: fn.arguments } }] }));
  });
  out.push(chunk({}, choice.finish_reason as string));
  if (includeUsage) out.push({ ...base, choices: [], usage: body.usage });
  return out;
}

/** Whether a request body asks for the usage chunk at the end of a stream. */
export function wantsUsage(body: Record<string, unknown>): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}
