/** The agent loop on the reference runtime: every model call and tool call is a durable step. */
import type { WorkflowContext } from './runtime/index.js';
import { runTool, toolArgs, toolSchemas, WorldClient, type ChatMessage, type ToolResult } from '../../harness/agent/index.js';

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

export function agentWorkflow(deps: AgentDeps) {
  return async (ctx: WorkflowContext, input: AgentInput): Promise<{ answer: string }> => {
    const messages: ChatMessage[] = [
      { role: 'system', content: input.system ?? 'You are a careful agent. Use the tools.' },
      { role: 'user', content: input.task },
    ];
    for (let turn = 0; turn < (deps.maxTurns ?? 200); turn++) {
      const reply = await ctx.step('llm', () => deps.world.chat(messages, toolSchemas), { retry, timeoutMs: 30_000 });
      messages.push(reply.message);
      const calls = reply.message.tool_calls ?? [];
      if (calls.length === 0) return { answer: reply.message.content ?? '' };
      for (const call of calls) {
        let result: ToolResult;
        if (call.function.name === 'request_approval') {
          result = await approval(ctx, deps, toolArgs(call));
        } else {
          result = await ctx.step(
            `tool:${call.function.name}`,
            (info) =>
              runTool(call, {
                world: deps.world,
                workspace: deps.workspace,
                step: info.seq,
                attempt: info.attempt,
                ...(deps.idempotency === 'framework' ? { idempotencyKey: info.key } : {}),
              }),
            { retry, timeoutMs: 60_000 },
          );
        }
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
      }
    }
    throw new Error('agent: too many turns');
  };
}

/** Posts the request to the world's inbox once (durably), then waits for the human's signal. */
async function approval(ctx: WorkflowContext, deps: AgentDeps, args: Record<string, unknown>): Promise<ToolResult> {
  const id = await ctx.step(
    'approval:request',
    async (info) => {
      await deps.world.requestApproval(info.key, String(args.summary ?? ''), args.payload ?? null);
      return info.key;
    },
    { retry },
  );
  if (!ctx.replaying) await deps.world.probe('approval:waiting', { detail: { id } });
  const decision = (await ctx.waitForSignal(`approval:${id}`)) as { approved: boolean; values?: Record<string, unknown> };
  return { approved: decision.approved, ...(decision.values ? { values: decision.values } : {}) };
}
