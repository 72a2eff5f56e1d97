/** The agent loop on the reference runtime: every model call and tool call is a durable step. */
import type { Span } from '@opentelemetry/api';
import { RetryableError, type WorkflowContext } from './runtime/index.js';
import {
  approvalResult,
  effectKey,
  MAX_TURNS,
  MODEL,
  openingMessages,
  runTool,
  STEP_RETRY,
  toolArgs,
  toolBatches,
  toolSchemas,
  WorldClient,
  WorldHttpError,
  type AgentTask,
  type ApprovalResult,
  type ChatMessage,
  type ToolCall,
  type ToolResult,
  approvalRequestArgs,
} from '../../harness/agent/index.js';
import { ATTR } from '../../harness/telemetry/attributes.js';
import { agentSpan, chatSpan, toolSpan } from '../../harness/telemetry/spans.js';

export { MODEL };

export interface AgentDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
  maxTurns?: number;
}

const retry = STEP_RETRY;

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

export function agentWorkflow(deps: AgentDeps) {
  return (ctx: WorkflowContext, input: AgentTask): Promise<{ answer: string }> =>
    // one invoke_agent span per execution: a recovery replays from the top in a new one
    agentSpan('ordeal-agent', (span) => loop(ctx, deps, input, span), { [ATTR.replayed]: ctx.replaying });
}

async function loop(ctx: WorkflowContext, deps: AgentDeps, input: AgentTask, span: Span): Promise<{ answer: string }> {
  const messages: ChatMessage[] = [...openingMessages(input)];
  for (let turn = 0; turn < (deps.maxTurns ?? MAX_TURNS); turn++) {
    const reply = await ctx.step(
      'llm',
      (info) => chatSpan(MODEL, { step: info.seq, attempt: info.attempt }, () => honourRetryAfter(() => deps.world.chat(messages, toolSchemas))),
      { retry, timeoutMs: 30_000 },
    );
    messages.push(reply.message);
    const calls = reply.message.tool_calls ?? [];
    if (calls.length === 0) return { answer: reply.message.content ?? '' };
    // A stretch of calls runs concurrently, as parallel tool calls intend; ctx.step takes its seq when called, so
    // starting them in call order numbers them the same on every execution. An approval is a barrier (toolBatches).
    const results: ToolResult[] = [];
    for (const batch of toolBatches(calls, (c) => c.function.name, input.toolCalls)) {
      if ('approval' in batch) results.push(await approval(ctx, deps, batch.approval, span));
      else results.push(...(await Promise.all(batch.calls.map((call) => tool(ctx, deps, call)))));
    }
    for (const [i, call] of calls.entries()) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i]) });
  }
  throw new Error('agent: too many turns');
}

function tool(ctx: WorkflowContext, deps: AgentDeps, call: ToolCall): Promise<ToolResult> {
  return ctx.step(
    `tool:${call.function.name}`,
    (info) => {
      const key = effectKey(call.function.name, info.key, deps.idempotency);
      const sent = key ? { idempotencyKey: key } : {};
      return toolSpan(call.function.name, call.id, { step: info.seq, attempt: info.attempt, ...sent }, () =>
        runTool(call, { world: deps.world, workspace: deps.workspace, step: info.seq, attempt: info.attempt, ...sent }),
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
        await deps.world.requestApproval(info.key, ...approvalRequestArgs(args));
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
  return approvalResult(await ctx.waitForSignal<ApprovalResult>(`approval:${id}`));
}
