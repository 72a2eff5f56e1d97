/** Activities: every side effect of the agent loop (model, tools, approval inbox) runs here, with heartbeats. */
import { trace } from '@opentelemetry/api';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  effectKey,
  MODEL,
  runTool,
  toolArgs,
  toolSchemas,
  WorldClient,
  WorldHttpError,
  type ChatMessage,
  type ToolCall,
  type ToolResult,
  approvalRequestArgs,
  DEPLOY_PROBE,
  V2_SYSTEM_PROMPT,
} from '../../harness/agent/index.js';
import { ATTR, chatSpan, toolSpan, type StepIdentity } from '../../harness/telemetry/index.js';

export { MODEL };

export interface ActivityDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
  runId: string;
}

export type AgentActivities = ReturnType<typeof createActivities>;

export function createActivities(deps: ActivityDeps) {
  const { world } = deps;
  /** Ordeal's step identity of this activity attempt, also put on the interceptor's `RunActivity` span. */
  const stepOf = (idempotencyKey?: string): StepIdentity => {
    const info = Context.current().info;
    const id: StepIdentity = { step: Number(info.activityId), attempt: info.attempt, ...(idempotencyKey ? { idempotencyKey } : {}) };
    // ordeal.step stays on the chat/execute_tool child only: metrics and the timeline count each span with a step as one execution
    trace
      .getActiveSpan()
      ?.setAttributes({ [ATTR.runId]: deps.runId, [ATTR.attempt]: id.attempt, ...(idempotencyKey ? { [ATTR.idempotencyKey]: idempotencyKey } : {}) });
    return id;
  };
  /** A tool call; `opts.version` 2 is version 2's changed argument (deploy change=changed-arg). */
  async function runToolCall(call: ToolCall, opts?: { version?: number }): Promise<ToolResult> {
    const info = Context.current().info;
    const step = Number(info.activityId);
    if (opts?.version === 2) await world.probe(DEPLOY_PROBE, { step, detail: { change: 'changed-arg' } });
    await world.probe('tool:before', { step, attempt: info.attempt, detail: { name: `tool:${call.function.name}` } });
    if (!info.workflowExecution) throw ApplicationFailure.nonRetryable('runToolCall runs only inside the agent workflow', 'NonRetryable');
    const { workflowId, runId } = info.workflowExecution;
    // Temporal's identity of this step: the same on every retry of the activity, different for every other step.
    const key = effectKey(call.function.name, `${workflowId}/${runId}/${info.activityId}`, deps.idempotency);
    const id = stepOf(key);
    return heartbeating(() =>
      toolSpan(call.function.name, call.id, id, () =>
        runTool(call, {
          world,
          workspace: deps.workspace,
          step,
          attempt: info.attempt,
          timeoutMs: info.startToCloseTimeoutMs,
          ...(key ? { idempotencyKey: key } : {}),
        }),
      ),
    );
  }

  return {
    async callModel(messages: ChatMessage[]): Promise<ChatMessage> {
      const id = stepOf();
      // version 2's system prompt reached a live model call (deploy change=system-prompt)
      if (messages[0]?.content === V2_SYSTEM_PROMPT) await world.probe(DEPLOY_PROBE, { step: id.step, detail: { change: 'system-prompt' } });
      await world.probe('llm:before', { step: id.step, attempt: id.attempt, detail: { name: 'llm' } });
      return heartbeating(async () => (await chatSpan(MODEL, id, () => world.chat(messages, toolSchemas))).message);
    },

    runToolCall,

    /** The tool activity under version 2's name (deploy change=rename-tool); version 1's name stays registered for runs in flight. */
    async runToolCallV2(call: ToolCall): Promise<ToolResult> {
      await world.probe(DEPLOY_PROBE, { step: Number(Context.current().info.activityId), detail: { change: 'rename-tool' } });
      return runToolCall(call);
    },

    /** Version 2's extra step (deploy change=extra-step): an audit call before a turn's tool calls. */
    async audit(calls: number): Promise<{ audited: number }> {
      await world.probe(DEPLOY_PROBE, { step: Number(Context.current().info.activityId), detail: { change: 'extra-step' } });
      return { audited: calls };
    },

    async requestApproval(approvalId: string, rawArgs: string): Promise<void> {
      const args = toolArgs({ id: approvalId, type: 'function', function: { name: 'request_approval', arguments: rawArgs } });
      const id = stepOf();
      await heartbeating(() => toolSpan('request_approval', undefined, id, () => world.requestApproval(approvalId, ...approvalRequestArgs(args))));
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
