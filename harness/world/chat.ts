/** `POST /v1/chat/completions`: the scripted model behind an OpenAI-compatible endpoint. */
import type { WorldContext } from './context.js';
import { endWithFault, isEnding } from './context.js';
import { badField } from './http-error.js';
import { objectBody } from './fields.js';
import { CassettePlayer, validateMessages, validateTools } from './model.js';
import { forwardingHandler } from './model-forward.js';
import { delivered, sendJson, type Exchange, type Route } from './server.js';
import { answerChunks, wantsUsage } from './sse.js';
import { llmCall } from './protocol.js';

export function chatRoutes(ctx: WorldContext): Route[] {
  const player = new CassettePlayer(ctx.config.scenario.cassette);
  /** Turns whose answer a `replan` fault lost: repeated calls for them get a different plan (the final answer). */
  const replanned = new Set<number>();
  const finalTurn = player.finalIndex;
  const forward = ctx.config.model ? forwardingHandler(ctx, ctx.config.model) : undefined;

  async function complete(ex: Exchange): Promise<void> {
    const body = objectBody(await ex.json(), 'an OpenAI chat completion request {model, messages, …}');
    if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
      throw badField('stream', 'must be a boolean when present', body.stream);
    if (body.model !== undefined && typeof body.model !== 'string') throw badField('model', 'must be a string when present', body.model);
    const messages = validateMessages(body.messages);
    validateTools(body.tools);
    if (
      body.stream_options !== undefined &&
      body.stream_options !== null &&
      (typeof body.stream_options !== 'object' || Array.isArray(body.stream_options))
    )
      throw badField('stream_options', 'must be an object such as {"include_usage": true} when present', body.stream_options);
    if (forward) return forward(ex, body, messages);
    const model = typeof body.model === 'string' && body.model !== '' ? body.model : 'ordeal-cassette';

    const n = ctx.faults.count('llm');
    let plan = player.plan(messages);
    if (replanned.has(plan.index) && finalTurn !== undefined) plan = player.plan(messages, finalTurn);
    const id = ctx.ops.id('llm');
    const who = { pid: ex.pid, id };
    ctx.ops.emit('invoke', 'llm', { turn: plan.index, promptTokens: plan.promptTokens }, who);

    const action = await ctx.faults.checkpoint('llm-call', n, ex.pid, { call: n, turn: plan.index }, llmCall(plan.index));
    if (action.type === 'replan') replanned.add(plan.index);
    if (isEnding(action)) {
      const end = await endWithFault(ex, action);
      if (end.reason === 'error' && end.answered)
        ctx.ops.emit('fail', 'llm', { turn: plan.index, status: end.status, reason: 'injected-error' }, who);
      else ctx.ops.emit('info', 'llm', { turn: plan.index, reason: end.reason, ...(end.status ? { status: end.status } : {}) }, who);
      return;
    }
    const answer = player.answer(plan, n, model);
    if (body.stream === true) {
      // as a real server streams it: the whole answer in chunks, then [DONE]
      const chunks = answerChunks(answer.body, wantsUsage(body));
      ex.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      ex.res.end(chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n');
    } else sendJson(ex, 200, answer.body);
    if (await delivered(ex))
      ctx.ops.emit(
        'ok',
        'llm',
        { turn: plan.index, completionTokens: answer.completionTokens, promptTokens: plan.promptTokens, toolCalls: answer.toolCalls },
        who,
      );
    else ctx.ops.emit('info', 'llm', { turn: plan.index, reason: 'connection-closed' }, who);
  }

  return [{ method: 'POST', path: '/v1/chat/completions', handler: complete }];
}
