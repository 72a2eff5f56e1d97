/** The agent loop as a Restate workflow: model and tool calls in `ctx.run`, approval through an awakeable. */
import { context, trace, type Context, type Span } from '@opentelemetry/api';
import * as restate from '@restatedev/restate-sdk';
import {
  approvalResult,
  effectKey,
  MAX_TURNS,
  MODEL,
  openingMessages,
  runTool,
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
import {
  agentSpan,
  ATTR,
  chatSpan,
  contextFromTraceparent,
  currentTracing,
  OPERATION,
  replayedStepSpan,
  toolSpan,
} from '../../harness/telemetry/index.js';

export type AgentInput = AgentTask;

export interface AgentOutput {
  answer: string;
}

export interface AgentDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
  maxTurns?: number;
  /** The agent's version (deploy): version 2 ships its change as new handler code behind the same deployment. */
  version?: AgentVersion;
  /** The workflow's inactivity and abort timeouts, ms (`--opt inactivityTimeoutMs`, `abortTimeoutMs`); absent = the server's. */
  inactivityTimeoutMs?: number;
  abortTimeoutMs?: number;
  /** `--opt maxAttempts`: the workflow's retry policy bounds its attempts, then Restate kills the invocation; absent = the server's policy. */
  maxAttempts?: number;
  /** `--opt retryIntervalMs`: the retry policy's first interval (it doubles); absent = the server's 500 ms. */
  retryIntervalMs?: number;
}

/** The workflow's name at the ingress: `/agent/<runId>/run`. */
export const AGENT = 'agent';

export { MODEL };

/** The span a step would have had, for the marker of a step answered from the journal. */
function replayStep(name: string, step: number, attempt: number): [string, { step: number; attempt: number }, Record<string, string>] {
  if (name === 'llm') return [`${OPERATION.chat} ${MODEL}`, { step, attempt }, { [ATTR.operation]: OPERATION.chat, [ATTR.model]: MODEL }];
  const tool = name === 'approval:request' ? 'request_approval' : name.slice('tool:'.length);
  return [`${OPERATION.tool} ${tool}`, { step, attempt }, { [ATTR.operation]: OPERATION.tool, [ATTR.toolName]: tool }];
}

/** Decision the human sends through the awakeable. */
export type ApprovalPayload = ApprovalResult;

/**
 * The server's `invocation-attempt` span, from the `traceparent` it sends with the attempt, when it is in the
 * case's trace (the adapter passes the case's traceparent on submit): the worker's spans then nest under it.
 */
function attemptContext(ctx: restate.WorkflowContext): Context {
  const header = ctx.request().attemptHeaders.get('traceparent');
  const attempt = contextFromTraceparent(typeof header === 'string' ? header : undefined);
  const caseTrace = trace.getSpanContext(currentTracing()?.caseContext ?? context.active())?.traceId;
  return caseTrace && trace.getSpanContext(attempt)?.traceId === caseTrace ? attempt : context.active();
}

export function agentWorkflow(deps: AgentDeps) {
  // Executions of each step in this process, for the probes' attempt number.
  const attempts = new Map<string, number>();

  const run = async (ctx: restate.WorkflowContext, input: AgentInput, span: Span): Promise<AgentOutput> => {
    // The step counter is advanced by the handler's own deterministic code, so replays see the same numbers.
    let seq = 0;
    const processing = () => (ctx as unknown as restate.internal.ContextInternal).isProcessing();
    // the SDK may run a ctx.run closure outside this async context: its step spans are parented explicitly
    const agentContext = context.active();
    /**
     * One journaled step, started now: its journal position and key are taken when it is called, so steps started in
     * call order number the same on every replay. `done` marks a step answered from the journal, and reports it journaled.
     */
    const start = <T>(name: string, point: 'llm:before' | 'tool:before', action: (key: string, seq: number, attempt: number) => Promise<T>) => {
      const n = ++seq;
      const key = `${ctx.request().id}:${n}`;
      let ran = false;
      let attempt = attempts.get(key) ?? 0;
      const result: restate.RestatePromise<T> = ctx.run(name, async () => {
        ran = true;
        attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        await deps.world.probe(point, { step: n, attempt, detail: { name } });
        return context.with(agentContext, () => action(key, n, attempt));
      });
      const done = async () => {
        // answered from the journal: nothing ran, and the trace says so
        if (!ran) context.with(agentContext, () => replayedStepSpan(...replayStep(name, n, Math.max(attempt, 1))));
        if (processing()) await deps.world.probe('step:journaled', { step: n, detail: { name } });
      };
      return { result, done };
    };
    const step = async <T>(
      name: string,
      point: 'llm:before' | 'tool:before',
      action: (key: string, seq: number, attempt: number) => Promise<T>,
    ): Promise<T> => {
      const s = start(name, point, action);
      const result = await s.result;
      await s.done();
      return result;
    };
    const v2Ran = (change: DeployChange, step: number) => deps.world.probe(DEPLOY_PROBE, { step, detail: { change } });
    const renamed = hasChange(deps.version, 'rename-tool');
    const changedArg = hasChange(deps.version, 'changed-arg');
    const tool = (call: ToolCall) =>
      start(renamed ? v2ToolStep(call.function.name) : `tool:${call.function.name}`, 'tool:before', async (key, n, attempt) => {
        // version 2: the ctx.run renamed, or its closure given a changed argument
        if (renamed || changedArg) await v2Ran(renamed ? 'rename-tool' : 'changed-arg', n);
        const sent = effectKey(call.function.name, key, deps.idempotency);
        return toolSpan(call.function.name, call.id, { step: n, attempt, ...(sent ? { idempotencyKey: sent } : {}) }, () =>
          runTool(call, { world: deps.world, workspace: deps.workspace, step: n, attempt, ...(sent ? { idempotencyKey: sent } : {}) }),
        );
      });
    const approval = async (call: ToolCall): Promise<ToolResult> => {
      const args = toolArgs(call);
      const { id, promise } = ctx.awakeable<ApprovalPayload>();
      // The awakeable id is the approval id: the human's answer resolves it through the ingress.
      await step('approval:request', 'tool:before', (_key, n, attempt) =>
        toolSpan('request_approval', call.id, { step: n, attempt }, () => deps.world.requestApproval(id, ...approvalRequestArgs(args))),
      );
      if (processing()) {
        await deps.world.probe('approval:waiting', { detail: { id } });
        // the invocation suspends while it waits: this stretch of the agent ends here
        span.setAttribute('ordeal.waiting_for', 'approval');
        span.end();
      }
      return approvalResult(await promise);
    };

    const v2Prompt = hasChange(deps.version, 'system-prompt');
    const messages: ChatMessage[] = [...openingMessages(v2Prompt ? { ...input, system: V2_SYSTEM_PROMPT } : input)];
    for (let turn = 0; turn < (deps.maxTurns ?? MAX_TURNS); turn++) {
      const reply = await step('llm', 'llm:before', async (_key, n, attempt) => {
        if (v2Prompt) await v2Ran('system-prompt', n);
        return chatSpan(MODEL, { step: n, attempt }, () => deps.world.chat(messages, toolSchemas));
      });
      messages.push(reply.message);
      const calls = reply.message.tool_calls ?? [];
      if (calls.length === 0) return { answer: reply.message.content ?? '' };
      // A stretch of calls runs as concurrent ctx.runs, started in call order and joined with RestatePromise.all;
      // an approval is a barrier (toolBatches).
      // version 2, extra-step: one more ctx.run before the turn's tool calls
      if (hasChange(deps.version, 'extra-step'))
        await step('audit', 'tool:before', (_key, n) => v2Ran('extra-step', n).then(() => ({ audited: calls.length })));
      const results: ToolResult[] = [];
      for (const batch of toolBatches(calls, (c) => c.function.name, input.toolCalls)) {
        if ('approval' in batch) {
          results.push(await approval(batch.approval));
          continue;
        }
        const steps = batch.calls.map(tool);
        results.push(...(await restate.RestatePromise.all(steps.map((s) => s.result))));
        for (const s of steps) await s.done();
      }
      for (const [i, call] of calls.entries()) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i]) });
    }
    throw new restate.TerminalError('agent: too many turns');
  };

  return restate.workflow({
    name: AGENT,
    handlers: {
      run: (ctx: restate.WorkflowContext, input: AgentInput): Promise<AgentOutput> => {
        const replaying = !(ctx as unknown as restate.internal.ContextInternal).isProcessing();
        // one invoke_agent span per execution of the handler: a retry or a resume after suspension replays in a new one
        return context.with(attemptContext(ctx), () => agentSpan('ordeal-agent', (span) => run(ctx, input, span), { [ATTR.replayed]: replaying }));
      },
    },
    options: {
      ...(deps.inactivityTimeoutMs ? { inactivityTimeout: deps.inactivityTimeoutMs } : {}),
      ...(deps.abortTimeoutMs ? { abortTimeout: deps.abortTimeoutMs } : {}),
      ...(deps.maxAttempts || deps.retryIntervalMs
        ? {
            // without retryIntervalMs the intervals stay the server's (500 ms doubling): an attempt sent while a killed
            // worker restarts fails on its connection and counts against maxAttempts like a crash (README: "A call that crashes its worker")
            retryPolicy: {
              ...(deps.maxAttempts ? { maxAttempts: deps.maxAttempts, onMaxAttempts: 'kill' as const } : {}),
              ...(deps.retryIntervalMs ? { initialInterval: deps.retryIntervalMs } : {}),
            },
          }
        : {}),
      // A refusal the world will repeat (4xx other than 408/409/429) ends the run; everything else Restate retries by its policy.
      asTerminalError: (e: unknown) => (e instanceof WorldHttpError && !e.retryable ? new restate.TerminalError(e.message) : undefined),
    },
  });
}

export type AgentWorkflow = ReturnType<typeof agentWorkflow>;
