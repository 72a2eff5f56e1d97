/**
 * The agent loop as a Dapr (Durable Task) orchestration: model and tool calls are activities, the
 * approval is an external event. Shared by both modes: daprd serves the same Durable Task protocol.
 */
import { openingMessages, runTool, toolArgs, toolSchemas, WorldClient, type ChatMessage, type ChatReply, type ToolCall, type ToolResult } from '../../harness/agent/index.js';
import { isEffectTool } from '../../harness/scenario/index.js';
import { chatSpan, toolSpan } from '../../harness/telemetry/index.js';

export const ORCHESTRATOR = 'agent';
export const ACTIVITY = { llm: 'llm', tool: 'tool', approvalRequest: 'approval-request' } as const;

/** The model the world's scripted model answers as (`gen_ai.request.model`). */
const MODEL = 'ordeal-scripted';

export interface AgentInput {
  task: string;
  system?: string;
}

/** Every activity gets its durable identity from the orchestration, never from the model's output. */
interface StepInput {
  /** The orchestration's deterministic step counter: the same on every replay and every retry of the step. */
  step: number;
  attempt: number;
  /** `<instance id>:<step>`: the idempotency key (framework mode) and the approval id. */
  key: string;
}

/**
 * What the loop needs from an orchestration context: durabletask-js's OrchestrationContext has it as is,
 * and daprd mode adapts @dapr/dapr's WorkflowContext to it. Tasks stay opaque: each SDK bundles its own Task class.
 */
export interface AgentContext {
  readonly instanceId: string;
  readonly isReplaying: boolean;
  readonly currentUtcDateTime: Date;
  callActivity(name: string, input: unknown): unknown;
  createTimer(fireAt: Date): unknown;
  waitForExternalEvent(name: string): unknown;
}

export interface AgentDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
  maxTurns?: number;
}

/** The SDK (1.0.0) has no activity retry policy yet, so the orchestration retries with durable timers. */
const retry = { maxAttempts: 6, initialMs: 50, maxMs: 2000, factor: 2 };

/** The approval's external event name (the SDK lower-cases event names). */
export const approvalEvent = (approvalId: string): string => `approval:${approvalId}`.toLowerCase();

type Steps<T> = AsyncGenerator<unknown, T, unknown>;

export function agentOrchestrator(deps: AgentDeps) {
  return async function* agent(ctx: AgentContext, input: AgentInput): Steps<{ answer: string }> {
    const messages: ChatMessage[] = [...openingMessages(input)];
    let step = 0;
    for (let turn = 0; turn < (deps.maxTurns ?? 200); turn++) {
      const reply = yield* activity<ChatReply>(ctx, deps, ACTIVITY.llm, ++step, { messages });
      messages.push(reply.message);
      const calls = reply.message.tool_calls ?? [];
      if (calls.length === 0) return { answer: reply.message.content ?? '' };
      for (const call of calls) {
        let result: ToolResult;
        if (call.function.name === 'request_approval') {
          const { id } = yield* activity<{ id: string }>(ctx, deps, ACTIVITY.approvalRequest, ++step, { args: toolArgs(call) });
          if (!ctx.isReplaying) await deps.world.probe('approval:waiting', { step, detail: { id } });
          const decision = (yield ctx.waitForExternalEvent(approvalEvent(id))) as { approved: boolean; values?: Record<string, unknown> };
          result = { approved: decision.approved, ...(decision.values ? { values: decision.values } : {}) };
        } else {
          result = yield* activity<ToolResult>(ctx, deps, ACTIVITY.tool, ++step, { call });
        }
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
      }
    }
    throw new Error('agent: too many turns');
  };
}

/** One durable step: the activity, retried after failures, and the `step:journaled` probe once its result is in the history. */
async function* activity<T>(ctx: AgentContext, deps: AgentDeps, name: string, step: number, payload: Record<string, unknown>): Steps<T> {
  const key = `${ctx.instanceId}:${step}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const out = (yield ctx.callActivity(name, { ...payload, step, attempt, key })) as { value: T };
      if (!ctx.isReplaying) await deps.world.probe('step:journaled', { step, attempt, detail: { name } });
      return out.value;
    } catch (e) {
      if (attempt >= retry.maxAttempts) throw e;
      const delay = Math.min(retry.maxMs, retry.initialMs * retry.factor ** (attempt - 1));
      yield ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + delay));
    }
  }
}

/** The activities, wrapped in `{ value }` because the SDK drops falsy results. */
export function agentActivities(deps: AgentDeps): Record<string, (ctx: unknown, input: StepInput & Record<string, unknown>) => Promise<{ value: unknown }>> {
  return {
    [ACTIVITY.llm]: async (_ctx, input) => {
      await deps.world.probe('llm:before', { step: input.step, attempt: input.attempt, detail: { name: ACTIVITY.llm } });
      const id = { step: input.step, attempt: input.attempt };
      return { value: await chatSpan(MODEL, id, () => deps.world.chat(input.messages as ChatMessage[], toolSchemas)) };
    },
    [ACTIVITY.tool]: async (_ctx, input) => {
      const call = input.call as ToolCall;
      await deps.world.probe('tool:before', { step: input.step, attempt: input.attempt, detail: { name: `tool:${call.function.name}` } });
      const ctx = { world: deps.world, workspace: deps.workspace, step: input.step, attempt: input.attempt };
      const sent = deps.idempotency === 'framework' && isEffectTool(call.function.name) ? { idempotencyKey: input.key } : {}; // only effects send the key
      const id = { step: input.step, attempt: input.attempt, ...sent };
      return { value: await toolSpan(call.function.name, call.id, id, () => runTool(call, deps.idempotency === 'framework' ? { ...ctx, idempotencyKey: input.key } : ctx)) };
    },
    [ACTIVITY.approvalRequest]: async (_ctx, input) => {
      const args = input.args as Record<string, unknown>;
      // the approval id is the step's durable key in both modes: the world's inbox is not an effect
      const id = { step: input.step, attempt: input.attempt };
      await toolSpan('request_approval', undefined, id, () => deps.world.requestApproval(input.key, String(args.summary ?? ''), args.payload ?? null));
      return { value: { id: input.key } };
    },
  };
}
