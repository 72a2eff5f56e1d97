/** The agent loop on the reference runtime: every model call and tool call is a durable step. */
import type { Span } from '@opentelemetry/api';
import { RetryableError, type WorkflowContext } from './runtime/index.js';
import { openingMessages, runTool, toolArgs, toolSchemas, WorldClient, WorldHttpError, type ChatMessage, type ToolCall, type ToolResult } from '../../harness/agent/index.js';
import { isEffectTool } from '../../harness/scenario/index.js';
import { agentSpan, chatSpan, toolSpan, ATTR } from '../../harness/telemetry/index.js';

export interface AgentInput {
  task: string;
  system?: string;
}

export interface AgentDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
  maxTurns?: number;
}

const retry = { maxAttempts: 6, initialMs: 50, maxMs: 2000, factor: 2 };

/** A world answer with `retry-after` (a 429, say) becomes a RetryableError, so the runtime waits as long as the server asked. */
async function honourRetryAfter<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof WorldHttpError && e.retryable && e.retryAfterMs !== undefined)
      throw new RetryableError(e.message, { retryAfterMs: e.retryAfterMs, cause: e });
    throw e;
  }
}

/** The model the world's scripted model answers as (`gen_ai.request.model`). */
export const MODEL = 'ordeal-scripted';

export function agentWorkflow(deps: AgentDeps) {
  return (ctx: WorkflowContext, input: AgentInput): Promise<{ answer: string }> =>
    // one invoke_agent span per execution: a recovery replays from the top in a new one
    agentSpan('ordeal-agent', (span) => loop(ctx, deps, input, span), { [ATTR.replayed]: ctx.replaying });
}

async function loop(ctx: WorkflowContext, deps: AgentDeps, input: AgentInput, span: Span): Promise<{ answer: string }> {
  const messages: ChatMessage[] = [...openingMessages(input)];
  for (let turn = 0; turn < (deps.maxTurns ?? 200); turn++) {
    const reply = await ctx.step(
      'llm',
      (info) => chatSpan(MODEL, { step: info.seq, attempt: info.attempt }, () => honourRetryAfter(() => deps.world.chat(messages, toolSchemas))),
      { retry, timeoutMs: 30_000 },
    );
    messages.push(reply.message);
    const calls = reply.message.tool_calls ?? [];
    if (calls.length === 0) return { answer: reply.message.content ?? '' };
    // The turn's calls run concurrently, as parallel tool calls intend; ctx.step takes its seq when called, so
    // starting them in call order numbers them the same on every execution. An approval is a barrier: the calls
    // before it finish first, and the calls after it start only once the human has answered.
    const results: ToolResult[] = [];
    let batch: ToolCall[] = [];
    const runBatch = async () => {
      results.push(...(await Promise.all(batch.map((call) => tool(ctx, deps, call)))));
      batch = [];
    };
    for (const call of calls) {
      if (call.function.name !== 'request_approval') {
        batch.push(call);
        continue;
      }
      await runBatch();
      results.push(await approval(ctx, deps, call, span));
    }
    await runBatch();
    for (const [i, call] of calls.entries()) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i]) });
  }
  throw new Error('agent: too many turns');
}

function tool(ctx: WorkflowContext, deps: AgentDeps, call: ToolCall): Promise<ToolResult> {
  return ctx.step(
    `tool:${call.function.name}`,
    (info) => {
      const key = deps.idempotency === 'framework' ? info.key : undefined;
      const sent = key && isEffectTool(call.function.name) ? { idempotencyKey: key } : {}; // only effects send the key
      return toolSpan(call.function.name, call.id, { step: info.seq, attempt: info.attempt, ...sent }, () =>
        runTool(call, { world: deps.world, workspace: deps.workspace, step: info.seq, attempt: info.attempt, ...(key ? { idempotencyKey: key } : {}) }),
      );
    },
    { retry, timeoutMs: 60_000 },
  );
}

/** Posts the request to the world's inbox once (durably), then waits for the human's signal. */
async function approval(ctx: WorkflowContext, deps: AgentDeps, call: ToolCall, span: Span): Promise<ToolResult> {
  const args = toolArgs(call);
  const id = await ctx.step(
    'approval:request',
    (info) =>
      toolSpan('request_approval', call.id, { step: info.seq, attempt: info.attempt }, async () => {
        await deps.world.requestApproval(info.key, String(args.summary ?? ''), args.payload ?? null);
        return info.key;
      }),
    { retry },
  );
  if (!ctx.replaying) {
    await deps.world.probe('approval:waiting', { detail: { id } });
    // the execution gives the instance back while it waits: this stretch of the agent ends here
    span.setAttribute('ordeal.waiting_for', 'approval');
    span.end();
  }
  const decision = (await ctx.waitForSignal(`approval:${id}`)) as { approved: boolean; values?: Record<string, unknown> };
  return { approved: decision.approved, ...(decision.values ? { values: decision.values } : {}) };
}
