/**
 * The agent loop as a Dapr (Durable Task) orchestration: model and tool calls are activities, the
 * approval is an external event. Shared by both modes: daprd serves the same Durable Task protocol.
 */
import {
  approvalResult,
  effectKey,
  MAX_TURNS,
  MODEL,
  openingMessages,
  retryDelayMs,
  runTool,
  STEP_RETRY,
  toolArgs,
  toolBatches,
  toolSchemas,
  WorldClient,
  type AgentTask,
  type ApprovalResult,
  type ChatMessage,
  type ChatReply,
  type ToolCall,
  type ToolResult,
  approvalRequestArgs,
  DEPLOY_PROBE,
  hasChange,
  V2_SYSTEM_PROMPT,
  type AgentVersion,
  type DeployChange,
} from '../../harness/agent/index.js';
import { chatSpan, toolSpan } from '../../harness/telemetry/index.js';

export const ORCHESTRATOR = 'agent';
export const ACTIVITY = { llm: 'llm', tool: 'tool', approvalRequest: 'approval-request' } as const;
/** Version 2's activities (deploy): the tool activity under its new name (rename-tool), the audit (extra-step). */
export const V2_ACTIVITY = { tool: 'tool-v2', audit: 'audit' } as const;

export type AgentInput = AgentTask;

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
  /** The agent's version (deploy): version 2 ships its change as new orchestration code under the same name. */
  version?: AgentVersion;
}

/** The approval's external event name (the SDK lower-cases event names). */
export const approvalEvent = (approvalId: string): string => `approval:${approvalId}`.toLowerCase();

type Steps<T> = AsyncGenerator<unknown, T, unknown>;

export function agentOrchestrator(deps: AgentDeps) {
  return async function* agent(ctx: AgentContext, input: AgentInput): Steps<{ answer: string }> {
    // version 2 (deploy) has no versioning tool here (the JS SDKs have no patching API): its change runs on every run
    const v2 = (change: DeployChange) => hasChange(deps.version, change);
    const messages: ChatMessage[] = [...openingMessages(v2('system-prompt') ? { ...input, system: V2_SYSTEM_PROMPT } : input)];
    const tool = v2('rename-tool') ? V2_ACTIVITY.tool : ACTIVITY.tool;
    const toolInput = (call: ToolCall) => (v2('changed-arg') ? { call, version: 2 } : { call });
    let step = 0;
    for (let turn = 0; turn < (deps.maxTurns ?? MAX_TURNS); turn++) {
      const reply = yield* activity<ChatReply>(ctx, deps, ACTIVITY.llm, ++step, { messages });
      messages.push(reply.message);
      const calls = reply.message.tool_calls ?? [];
      if (calls.length === 0) return { answer: reply.message.content ?? '' };
      const results: ToolResult[] = [];
      // version 2, extra-step: one more activity before the turn's tool calls
      if (v2('extra-step')) yield* activity(ctx, deps, V2_ACTIVITY.audit, ++step, { calls: calls.length });
      for (const batch of toolBatches(calls, (c) => c.function.name, input.toolCalls)) {
        if ('approval' in batch) {
          const { id } = yield* activity<{ id: string }>(ctx, deps, ACTIVITY.approvalRequest, ++step, { args: toolArgs(batch.approval) });
          if (!ctx.isReplaying) await deps.world.probe('approval:waiting', { step, detail: { id } });
          results.push(approvalResult((yield ctx.waitForExternalEvent(approvalEvent(id))) as ApprovalResult));
          continue;
        }
        // Fan-out: every call of the stretch is scheduled, in call order (the same step numbers on every replay), before
        // the orchestration waits on any, so the engine runs them at once; their results are then taken in call order.
        // (Not whenAll: the SDK's WhenAllTask throws "Task is already completed" when a child completes after another
        // failed, which a step that needs a retry makes happen.)
        const started = batch.calls.map((call) => {
          const s = ++step;
          return { step: s, call, first: schedule(ctx, tool, s, 1, toolInput(call)) };
        });
        for (const t of started) results.push(yield* activity<ToolResult>(ctx, deps, tool, t.step, toolInput(t.call), t.first));
      }
      for (const [i, call] of calls.entries()) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i]) });
    }
    throw new Error('agent: too many turns');
  };
}

/** Schedules one attempt of a step's activity: its input carries the step's durable identity. */
function schedule(ctx: AgentContext, name: string, step: number, attempt: number, payload: Record<string, unknown>): unknown {
  const input: StepInput = { step, attempt, key: `${ctx.instanceId}:${step}` };
  return ctx.callActivity(name, { ...payload, ...input });
}

/**
 * One durable step: the activity (its first attempt maybe already scheduled), retried after failures with durable
 * timers (the SDK has no activity retry policy yet; STEP_RETRY), and the `step:journaled` probe once its result is in the history.
 */
async function* activity<T>(
  ctx: AgentContext,
  deps: AgentDeps,
  name: string,
  step: number,
  payload: Record<string, unknown>,
  first?: unknown,
): Steps<T> {
  for (let attempt = 1; ; attempt++) {
    let out: { value: T };
    try {
      const task = attempt === 1 && first !== undefined ? first : schedule(ctx, name, step, attempt, payload);
      out = (yield task) as { value: T };
    } catch (e) {
      if (attempt >= STEP_RETRY.maxAttempts) throw e;
      yield ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + retryDelayMs(attempt)));
      continue;
    }
    // outside the try: the probe runs live only (never on replay), so a probe that threw must not take the retry path,
    // which would put a timer in the history that a replay, which skips the probe, does not schedule (non-determinism)
    if (!ctx.isReplaying) await deps.world.probe('step:journaled', { step, attempt, detail: { name } });
    return out.value;
  }
}

/** The activities, wrapped in `{ value }` because the SDK drops falsy results. */
export function agentActivities(
  deps: AgentDeps,
): Record<string, (ctx: unknown, input: StepInput & Record<string, unknown>) => Promise<{ value: unknown }>> {
  /** Version 2's code ran live (an activity never runs on replay): the `deploy:v2` probe. */
  const v2Ran = (change: DeployChange, step: number) => deps.world.probe(DEPLOY_PROBE, { step, detail: { change } });
  const tool = async (input: StepInput & Record<string, unknown>): Promise<{ value: unknown }> => {
    const call = input.call as ToolCall;
    await deps.world.probe('tool:before', { step: input.step, attempt: input.attempt, detail: { name: `tool:${call.function.name}` } });
    const key = effectKey(call.function.name, input.key, deps.idempotency);
    const sent = key ? { idempotencyKey: key } : {};
    const ctx = { world: deps.world, workspace: deps.workspace, step: input.step, attempt: input.attempt, ...sent };
    return { value: await toolSpan(call.function.name, call.id, { step: input.step, attempt: input.attempt, ...sent }, () => runTool(call, ctx)) };
  };
  return {
    [ACTIVITY.llm]: async (_ctx, input) => {
      const messages = input.messages as ChatMessage[];
      if (messages[0]?.content === V2_SYSTEM_PROMPT) await v2Ran('system-prompt', input.step);
      await deps.world.probe('llm:before', { step: input.step, attempt: input.attempt, detail: { name: ACTIVITY.llm } });
      const id = { step: input.step, attempt: input.attempt };
      return { value: await chatSpan(MODEL, id, () => deps.world.chat(messages, toolSchemas)) };
    },
    [ACTIVITY.tool]: async (_ctx, input) => {
      if (input.version === 2) await v2Ran('changed-arg', input.step); // version 2's argument reached a live call
      return tool(input);
    },
    // version 1's tool activity stays registered beside it, for the activities a run scheduled before the deploy
    [V2_ACTIVITY.tool]: async (_ctx, input) => {
      await v2Ran('rename-tool', input.step);
      return tool(input);
    },
    [V2_ACTIVITY.audit]: async (_ctx, input) => {
      await v2Ran('extra-step', input.step);
      return { value: { audited: input.calls } };
    },
    [ACTIVITY.approvalRequest]: async (_ctx, input) => {
      const args = input.args as Record<string, unknown>;
      // the approval id is the step's durable key in both modes: the world's inbox is not an effect
      const id = { step: input.step, attempt: input.attempt };
      await toolSpan('request_approval', undefined, id, () => deps.world.requestApproval(input.key, ...approvalRequestArgs(args)));
      return { value: { id: input.key } };
    },
  };
}
