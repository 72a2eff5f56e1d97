/**
 * Recording: the world's model endpoint forwards each chat completion to a real OpenAI-compatible model
 * (`WorldConfig.model`) and writes what it answered, turn by turn, to `model.jsonl` in the run folder. Streaming
 * requests are streamed through chunk by chunk (the usage chunk is asked for upstream and passed on only when the
 * client asked for it); tool call ids, token counts and errors reach the client as the model sent them. The API key
 * is read from the environment variable the config names, in this process only: it is never written anywhere.
 */
import { join } from 'node:path';
import { isRecord } from '../json.js';
import type { WorldContext } from './context.js';
import type { Json } from './fields.js';
import { HttpError } from './http-error.js';
import { JsonlWriter } from './jsonl.js';
import type { ChatMessage } from './model.js';
import { llmCall } from './protocol.js';
import { delivered, sendJson, type Exchange } from './server.js';
import { ChunkAssembler, sseData, wantsUsage, type AssembledMessage } from './sse.js';

/** The run folder's record of the model's answers (one line per answered call; `{turn, error}` for a failed one). */
export const MODEL_FILE = 'model.jsonl';

/** One line of model.jsonl: the answer the model gave at turn `turn` (= assistant messages in the request). */
export interface RecordedAnswer {
  turn: number;
  stream: boolean;
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string | null;
  usage?: { promptTokens: number; completionTokens: number };
  model?: string;
}

/** Where the forwarder sends chat completions. */
export interface ModelUpstream {
  /** Base URL of the OpenAI-compatible API, e.g. `https://api.openai.com/v1` (`/chat/completions` is appended). */
  url: string;
  /** Name of the environment variable holding the API key (sent as `Authorization: Bearer`), if any. */
  keyEnv?: string;
  /** The model name sent upstream instead of the one the worker asked for. */
  name?: string;
}

const usageOf = (u: unknown): RecordedAnswer['usage'] =>
  isRecord(u) && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number'
    ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens }
    : undefined;

/** `<base>/chat/completions`, the base's query (e.g. Azure's `?api-version=`) kept after the path. */
export function chatEndpoint(base: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  url.hash = '';
  return url.toString();
}

export function forwardingHandler(ctx: WorldContext, upstream: ModelUpstream): (ex: Exchange, body: Json, messages: ChatMessage[]) => Promise<void> {
  const file = new JsonlWriter(join(ctx.config.runDir, MODEL_FILE));
  const endpoint = chatEndpoint(upstream.url);

  const record = (turn: number, stream: boolean, m: AssembledMessage): RecordedAnswer => {
    const usage = usageOf(m.usage);
    const line: RecordedAnswer = {
      turn,
      stream,
      content: m.content,
      toolCalls: m.toolCalls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
      finishReason: m.finishReason,
      ...(usage ? { usage } : {}),
      ...(m.model ? { model: m.model } : {}),
    };
    file.append(line);
    return line;
  };

  return async (ex, body, messages) => {
    const turn = messages.filter((m) => m.role === 'assistant').length;
    const stream = body.stream === true;
    const clientWantsUsage = wantsUsage(body);
    const id = ctx.ops.id('llm');
    const who = { pid: ex.pid, id };
    ctx.ops.emit('invoke', 'llm', { turn, forwarded: true, stream }, who);
    const n = ctx.faults.count('llm');
    await ctx.faults.checkpoint('llm-call', n, ex.pid, { call: n, turn }, llmCall(turn));
    const sent: Json = { ...body, ...(upstream.name ? { model: upstream.name } : {}) };
    if (stream) sent.stream_options = { ...(isRecord(body.stream_options) ? body.stream_options : {}), include_usage: true };
    const key = upstream.keyEnv ? process.env[upstream.keyEnv] : undefined;
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: stream ? 'text/event-stream' : 'application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: JSON.stringify(sent),
      });
    } catch (e) {
      file.append({ turn, error: { status: 0, body: `unreachable: ${(e as Error).message}` } });
      ctx.ops.emit('fail', 'llm', { turn, reason: 'upstream-unreachable' }, who);
      throw new HttpError(502, 'model-unreachable', `the model at ${endpoint} could not be reached: ${(e as Error).message}`);
    }
    if (!res.ok || (stream && !(res.headers.get('content-type') ?? '').includes('text/event-stream'))) {
      const text = await res.text();
      if (!res.ok) file.append({ turn, error: { status: res.status, body: text.slice(0, 500) } });
      ctx.ops.emit(res.ok ? 'ok' : 'fail', 'llm', { turn, status: res.status, forwarded: true }, who);
      const headers: Record<string, string> = { 'content-type': res.headers.get('content-type') ?? 'application/json' };
      const retryAfter = res.headers.get('retry-after');
      if (retryAfter) headers['retry-after'] = retryAfter;
      if (!ex.res.headersSent) ex.res.writeHead(res.status, headers).end(text);
      return;
    }
    if (!stream) {
      const answer = (await res.json()) as Json;
      const choice = Array.isArray(answer.choices) && isRecord(answer.choices[0]) ? answer.choices[0] : {};
      const message = isRecord(choice.message) ? choice.message : {};
      const assembled: AssembledMessage = {
        content: typeof message.content === 'string' ? message.content : null,
        toolCalls: Array.isArray(message.tool_calls) ? (message.tool_calls as AssembledMessage['toolCalls']) : [],
        finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
        ...(isRecord(answer.usage) ? { usage: answer.usage as AssembledMessage['usage'] } : {}),
        ...(typeof answer.model === 'string' ? { model: answer.model } : {}),
      };
      sendJson(ex, 200, answer);
      const ok = await delivered(ex);
      const line = record(turn, false, assembled);
      ctx.ops.emit(
        ok ? 'ok' : 'info',
        'llm',
        { turn, toolCalls: line.toolCalls.length, ...(line.usage ?? {}), ...(ok ? {} : { reason: 'connection-closed' }) },
        who,
      );
      return;
    }
    ex.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const assembler = new ChunkAssembler();
    for await (const data of sseData(res.body as AsyncIterable<Uint8Array>)) {
      if (data === '[DONE]') {
        ex.res.write('data: [DONE]\n\n');
        continue;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        ex.res.write(`data: ${data}\n\n`);
        continue;
      }
      assembler.add(chunk);
      // the usage-only chunk was asked for here: the client gets it only if it asked too
      if (!clientWantsUsage && isRecord(chunk) && Array.isArray(chunk.choices) && chunk.choices.length === 0) continue;
      if (!clientWantsUsage && isRecord(chunk) && 'usage' in chunk) {
        const { usage: _usage, ...rest } = chunk;
        ex.res.write(`data: ${JSON.stringify(rest)}\n\n`);
      } else ex.res.write(`data: ${data}\n\n`);
    }
    ex.res.end();
    const ok = await delivered(ex);
    const line = record(turn, true, assembler.message());
    ctx.ops.emit(
      ok ? 'ok' : 'info',
      'llm',
      { turn, toolCalls: line.toolCalls.length, ...(line.usage ?? {}), ...(ok ? {} : { reason: 'connection-closed' }) },
      who,
    );
  };
}
