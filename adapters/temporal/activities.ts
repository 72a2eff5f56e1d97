/** Activities: every side effect of the agent loop (model, tools, approval inbox) runs here, with heartbeats. */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { runTool, toolArgs, toolSchemas, WorldClient, WorldHttpError, type ChatMessage, type ToolCall, type ToolResult } from '../../harness/agent/index.js';

export interface ActivityDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
}

export type AgentActivities = ReturnType<typeof createActivities>;

export function createActivities(deps: ActivityDeps) {
  const { world } = deps;
  return {
    async callModel(messages: ChatMessage[]): Promise<ChatMessage> {
      const info = Context.current().info;
      await world.probe('llm:before', { step: Number(info.activityId), attempt: info.attempt, detail: { name: 'llm' } });
      return heartbeating(async () => (await world.chat(messages, toolSchemas)).message);
    },

    async runToolCall(call: ToolCall): Promise<ToolResult> {
      const info = Context.current().info;
      const step = Number(info.activityId);
      await world.probe('tool:before', { step, attempt: info.attempt, detail: { name: `tool:${call.function.name}` } });
      if (!info.workflowExecution) throw ApplicationFailure.nonRetryable('runToolCall runs only inside the agent workflow', 'NonRetryable');
      const { workflowId, runId } = info.workflowExecution;
      return heartbeating(() =>
        runTool(call, {
          world,
          workspace: deps.workspace,
          step,
          attempt: info.attempt,
          timeoutMs: info.startToCloseTimeoutMs,
          // Temporal's identity of this step: the same on every retry of the activity, different for every other step.
          ...(deps.idempotency === 'framework' ? { idempotencyKey: `${workflowId}/${runId}/${info.activityId}` } : {}),
        }),
      );
    },

    async requestApproval(approvalId: string, rawArgs: string): Promise<void> {
      const args = toolArgs({ id: approvalId, type: 'function', function: { name: 'request_approval', arguments: rawArgs } });
      await heartbeating(() => world.requestApproval(approvalId, String(args.summary ?? ''), args.payload ?? null));
    },
  };
}

/** Heartbeats while `fn` runs, so a dead worker is noticed after the heartbeat timeout, not start-to-close. */
async function heartbeating<T>(fn: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const every = ctx.info.heartbeatTimeoutMs ? Math.max(50, Math.floor(ctx.info.heartbeatTimeoutMs / 3)) : 0;
  const timer = every ? setInterval(() => ctx.heartbeat(), every) : undefined;
  try {
    return await fn();
  } catch (e) {
    throw asFailure(e);
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** A 4xx from the world will not get better by retrying; 5xx, 408, 429 and network errors will. */
function asFailure(e: unknown): unknown {
  if (!(e instanceof WorldHttpError)) return e;
  return ApplicationFailure.create({
    message: e.message,
    type: e.retryable ? 'WorldHttpError' : 'NonRetryable',
    nonRetryable: !e.retryable,
    details: [e.status, e.body],
    ...(e.retryAfterMs ? { nextRetryDelay: e.retryAfterMs } : {}),
  });
}
