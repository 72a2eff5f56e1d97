/** The cassette player: answers an OpenAI chat conversation with the scenario's scripted turn. */
import { isBranch, leafTurns, selectTurn, type PlainTurn, type Turn } from '../scenario/index.js';
import { badField, HttpError } from './http-error.js';
import { isRecord, textOf } from '../json.js';
import type { Json } from './fields.js';
import { hasTemplate, resolveString, resolveTemplates } from './templates.js';

export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown;
  [k: string]: unknown;
}

/** The message roles OpenAI's chat completion API takes ('function' is its deprecated answer to a function call). */
const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

/** Checks `messages` of a chat completion request (400 naming the field otherwise). */
export function validateMessages(v: unknown): ChatMessage[] {
  if (!Array.isArray(v) || v.length === 0) throw badField('messages', 'must be a non-empty array of {role, content} objects', v);
  v.forEach((m, i) => {
    if (!isRecord(m)) throw badField(`messages[${i}]`, 'must be an object {role, content}', m);
    if (typeof m.role !== 'string' || !ROLES.includes(m.role))
      throw badField(`messages[${i}].role`, `must be one of ${ROLES.map((r) => `'${r}'`).join(', ')}`, m.role);
    const c = m.content;
    if (c !== undefined && c !== null && typeof c !== 'string' && !Array.isArray(c))
      throw badField(`messages[${i}].content`, 'must be a string, an array of content parts, or null', c);
    if (m.tool_calls !== undefined && m.tool_calls !== null && !Array.isArray(m.tool_calls))
      throw badField(`messages[${i}].tool_calls`, 'must be an array when present', m.tool_calls);
  });
  checkToolAnswers(v as ChatMessage[]);
  return v as ChatMessage[];
}

/** Checks `tools` of a chat completion request when present: an array of tool objects, each function tool with a name. */
export function validateTools(v: unknown): void {
  if (v === undefined || v === null) return;
  if (!Array.isArray(v)) throw badField('tools', 'must be an array of {type: "function", function: {name, parameters?}} objects when present', v);
  v.forEach((t, i) => {
    if (!isRecord(t) || typeof t.type !== 'string')
      throw badField(`tools[${i}]`, 'must be an object {type: "function", function: {name, parameters?}}', t);
    if (t.type !== 'function') return;
    if (!isRecord(t.function) || typeof t.function.name !== 'string' || t.function.name === '')
      throw badField(`tools[${i}].function`, 'must be an object with a non-empty string name: {name, description?, parameters?}', t.function);
  });
}

/**
 * What a model API holds a conversation to, as OpenAI's answers 400 otherwise: an assistant message's tool calls are
 * answered by the tool messages right after it, one for each call id, before any other message; a tool message answers
 * a call of the assistant message before it. A thread that a crash left with a call unanswered (a result lost between
 * two checkpoints) is refused here as a real model refuses it, so the run cannot go on as if nothing were missing.
 */
function checkToolAnswers(messages: readonly ChatMessage[]): void {
  let open: { at: number; ids: string[]; unanswered: Set<string> } | undefined;
  const refuse = (message: string) => new HttpError(400, 'invalid-conversation', message);
  const unansweredIn = (o: NonNullable<typeof open>) => [...o.unanswered].join(', ');
  messages.forEach((m, i) => {
    if (m.role === 'tool') {
      if (!open)
        throw refuse(
          `messages[${i}] has role 'tool' but no assistant message with tool_calls comes before it: a tool message answers one of those calls`,
        );
      const id = m.tool_call_id;
      if (typeof id !== 'string' || !open.ids.includes(id))
        throw refuse(
          `messages[${i}].tool_call_id ${JSON.stringify(id ?? null)} is not one of the tool_calls of messages[${open.at}] (${open.ids.join(', ')})`,
        );
      open.unanswered.delete(id);
      return;
    }
    if (open && open.unanswered.size > 0)
      throw refuse(
        `messages[${open.at}] is an assistant message with tool_calls, and each call must be answered by a tool message before messages[${i}] (role '${m.role}'): no answer to ${unansweredIn(open)}`,
      );
    const ids = m.role === 'assistant' && Array.isArray(m.tool_calls) ? m.tool_calls.map((c) => (isRecord(c) ? String(c.id) : '')) : [];
    open = ids.length > 0 ? { at: i, ids, unanswered: new Set(ids) } : undefined;
  });
  if (open && open.unanswered.size > 0)
    throw refuse(
      `messages[${open.at}] is an assistant message with tool_calls, and each call must be answered by a tool message after it: the conversation ends with no answer to ${unansweredIn(open)}`,
    );
}

/** The text of a message's content (string, or the `text` of its content parts). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : typeof p === 'string' ? p : '')).join('');
  return '';
}

/** The results of the conversation's tool calls, in order: each tool message's content parsed as JSON (the raw text when it is not JSON). */
export function toolResults(messages: readonly ChatMessage[]): unknown[] {
  return messages
    .filter((m) => m.role === 'tool')
    .map((m) => {
      const text = contentText(m.content);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    });
}

function messageChars(m: ChatMessage): number {
  let n = contentText(m.content).length;
  if (Array.isArray(m.tool_calls))
    for (const c of m.tool_calls)
      if (isRecord(c) && isRecord(c.function)) n += textOf(c.function.name ?? '').length + textOf(c.function.arguments ?? '').length;
  return n;
}

export interface TurnPlan {
  /** 0-based index of the answered turn in the cassette (past the end: the final turn's index). */
  index: number;
  /** The turn answered: a branching turn resolved against the conversation's tool results. */
  turn: PlainTurn;
  promptTokens: number;
  /** The conversation's tool results (toolResults), parsed on first use and then kept: most turns need none. */
  results(): readonly unknown[];
}

export interface ChatAnswer {
  body: Json;
  completionTokens: number;
  toolCalls: number;
}

export class CassettePlayer {
  /** The last turn that is a final answer on every branch, if any. */
  readonly finalIndex: number | undefined;
  /** Per turn, whether its answer holds `{{result:N}}` templates (then it needs the conversation's tool results). */
  private readonly templated: boolean[];

  constructor(private readonly cassette: readonly Turn[]) {
    const finals = cassette.map((t, i) => (leafTurns(t).every((l) => 'final' in l) ? i : -1)).filter((i) => i >= 0);
    this.finalIndex = finals.length > 0 ? finals[finals.length - 1] : undefined;
    this.templated = cassette.map((t) => hasTemplate(JSON.stringify(t)));
  }

  /**
   * The turn = the number of assistant messages so far (a replayed call gets the same turn), or `at`; past the end, the
   * final turn. A branching turn is resolved against the conversation's tool results, so the answer follows from it.
   */
  plan(messages: readonly ChatMessage[], at?: number): TurnPlan {
    let index = at ?? messages.filter((m) => m.role === 'assistant').length;
    if (index >= this.cassette.length) index = this.finalIndex ?? this.cassette.length - 1;
    const entry = this.cassette[index];
    // parsing every tool message of the conversation costs O(turns) a call: only branches and templates need it
    let parsed: readonly unknown[] | undefined;
    const results = () => (parsed ??= toolResults(messages));
    const turn: PlainTurn = entry === undefined ? { final: '' } : isBranch(entry) ? selectTurn(entry, results()) : entry;
    const chars = messages.reduce((s, m) => s + messageChars(m), 0);
    return { index: Math.max(index, 0), turn, promptTokens: turn.usage?.promptTokens ?? Math.ceil(chars / 4), results };
  }

  /** Builds the OpenAI chat.completion answer; `callNo` (the run's chat call counter) makes tool call ids fresh. */
  answer(plan: TurnPlan, callNo: number, model: string): ChatAnswer {
    const results = this.templated[plan.index] ? plan.results() : [];
    const { turn } = plan;
    let content: string | null;
    let toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] | undefined;
    if ('calls' in turn) {
      content = turn.say === undefined ? null : String(resolveString(turn.say, results));
      toolCalls = turn.calls.map((c, i) => ({
        id: `call_${callNo}_${i}`,
        type: 'function' as const,
        function: { name: c.tool, arguments: JSON.stringify(resolveTemplates(c.args, results)) },
      }));
    } else {
      const v = resolveString(turn.final, results);
      content = typeof v === 'string' ? v : JSON.stringify(v);
    }
    const answerChars = (content?.length ?? 0) + (toolCalls ?? []).reduce((s, c) => s + c.function.name.length + c.function.arguments.length, 0);
    const completionTokens = turn.usage?.completionTokens ?? Math.ceil(answerChars / 4);
    const message: Json = { role: 'assistant', content, refusal: null };
    if (toolCalls) message.tool_calls = toolCalls;
    const body: Json = {
      id: `chatcmpl-ordeal-${callNo}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: toolCalls ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: plan.promptTokens, completion_tokens: completionTokens, total_tokens: plan.promptTokens + completionTokens },
      system_fingerprint: 'ordeal-cassette',
    };
    return { body, completionTokens, toolCalls: toolCalls?.length ?? 0 };
  }
}
