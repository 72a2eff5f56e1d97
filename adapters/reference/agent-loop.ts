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
  DEPLOY_PROBE,
  hasChange,
  V2_SYSTEM_PROMPT,
  v2ToolStep,
  type AgentVersion,
  type DeployChange,
} from '../../harness/agent/index.js';
import { ATTR } from '../../harness/telemetry/attributes.js';
import { agentSpan, chatSpan, toolSpan } from '../../harness/telemetry/spans.js';

export { MODEL };

export interface AgentDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
  maxTurns?: number;
  /** The agent's version (deploy): version 2 runs its change as plain new code, this runtime has no versioning tool. */
  version?: AgentVersion;
}

/** Version 2's change ran live: the history shows it as a `deploy:v2` probe of this worker. */
const v2Ran = (deps: AgentDeps, change: DeployChange): Promise<unknown> => deps.world.probe(DEPLOY_PROBE, { detail: { change } });

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
  const v2Prompt = hasChange(deps.version, 'system-prompt');
  const messages: ChatMessage[] = [...openingMessages(v2Prompt ? { ...input, system: V2_SYSTEM_PROMPT } : input)];
  for (let turn = 0; turn < (deps.maxTurns ?? MAX_TURNS); turn++) {
    const reply = await ctx.step(
      'llm',
      async (info) => {
        if (v2Prompt) await v2Ran(deps, 'system-prompt');
        return chatSpan(MODEL, { step: info.seq, attempt: info.attempt }, () => honourRetryAfter(() => deps.world.chat(messages, toolSchemas)));
      },
      { retry, timeoutMs: 30_000 },
    );
    messages.push(reply.message);
    const calls = reply.message.tool_calls ?? [];
    if (calls.length === 0) return { answer: reply.message.content ?? '' };
    // A stretch of calls runs concurrently, as parallel tool calls intend; ctx.step takes its seq when called, so
    // starting them in call order numbers them the same on every execution. An approval is a barrier (toolBatches).
    // version 2 with extra-step: one more durable step before the turn's tool calls
    if (hasChange(deps.version, 'extra-step'))
      await ctx.step('audit', () => v2Ran(deps, 'extra-step').then(() => ({ audited: calls.length })), { retry });
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
  const renamed = hasChange(deps.version, 'rename-tool');
  const changedArg = hasChange(deps.version, 'changed-arg');
  return ctx.step(
    renamed ? v2ToolStep(call.function.name) : `tool:${call.function.name}`,
    async (info) => {
      // changed-arg: version 2 calls ctx.step with a changed argument (a shorter timeout); nothing journaled records it
      if (renamed || changedArg) await v2Ran(deps, renamed ? 'rename-tool' : 'changed-arg');
      const key = effectKey(call.function.name, info.key, deps.idempotency);
      const sent = key ? { idempotencyKey: key } : {};
      return toolSpan(call.function.name, call.id, { step: info.seq, attempt: info.attempt, ...sent }, () =>
        runTool(call, { world: deps.world, workspace: deps.workspace, step: info.seq, attempt: info.attempt, ...sent }),
      );
    },
    { retry, timeoutMs: changedArg ? 45_000 : 60_000 },
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
