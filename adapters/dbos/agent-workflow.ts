/**
 * The agent loop as a DBOS workflow: each model call and tool call a `DBOS.runStep`, the approval through `DBOS.recv`.
 * Version 2 of it (the `deploy` fault) is new code in the same registered workflow `agent`; with `--opt versioning=on`
 * it guards its change with `DBOS.patch()`.
 */
import type { Span } from '@opentelemetry/api';
import { DBOS, type StepConfig } from '@dbos-inc/dbos-sdk';
// read-only: the workflow's next function id, for the trace marker of a step DBOS answers from its checkpoint
import { functionIDGet } from '@dbos-inc/dbos-sdk/internal/context';
import {
  approvalRequestArgs,
  approvalResult,
  DEPLOY_PROBE,
  effectKey,
  MAX_TURNS,
  MODEL,
  openingMessages,
  patchId,
  runTool,
  STEP_RETRY,
  toolArgs,
  toolBatches,
  toolSchemas,
  V2_SYSTEM_PROMPT,
  v2ToolStep,
  WorldHttpError,
  type AgentTask,
  type AgentVersion,
  type ApprovalResult,
  type ChatMessage,
  type DeployChange,
  type ToolCall,
  type ToolResult,
  type WorldClient,
} from '../../harness/agent/index.js';
import { agentSpan, ATTR, chatSpan, OPERATION, replayedStepSpan, toolSpan } from '../../harness/telemetry/index.js';

/** The workflow's registered name: what the adapter enqueues and what recovery looks up. */
export const AGENT = 'agent';
/** The queue the adapter enqueues runs on (`DBOSClient.enqueue`) and the worker dequeues from. */
export const QUEUE = 'ordeal-agent';
/** The application every worker of a case runs as. */
export const APP_NAME = 'ordeal';

/**
 * The application version a worker of agent version `v` runs as (`DBOSConfig.applicationVersion`; undefined: none set).
 * A restarted worker of the same version has the same one, so it recovers the runs its predecessor left PENDING; DBOS
 * recovers and dequeues only the workflows of its own version. Without one set, DBOS computes it from the source of
 * the registered workflow functions, so new workflow code gets a new version: ordeal builds both versions of the agent
 * from one source, so it names them itself, `ordeal-agent-1` and `ordeal-agent-2-<change>`. With patching and none
 * pinned, none is set, and DBOS runs both as its fixed `PATCHING_ENABLED`, as its docs say a patching user does.
 * `pinned` (--opt applicationVersion) is one version for every worker, as a user who sets `applicationVersion` once.
 */
export function applicationVersion(v: AgentVersion, pinned?: string): string | undefined {
  if (pinned) return pinned;
  if (v.versioning) return undefined;
  return v.version === 2 ? `ordeal-agent-2-${v.change}` : 'ordeal-agent-1';
}
/** How long the workflow waits in `DBOS.recv` for the human (DBOS's default is 60 s, then `null`). */
const APPROVAL_WAIT_S = 7 * 24 * 3600;

export interface AgentOutput {
  answer: string;
}

export interface AgentDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
  maxTurns?: number;
  /** The agent's version (deploy): version 2 is new code in the same workflow, its change behind `DBOS.patch()` with versioning. */
  version?: AgentVersion;
}

/**
 * DBOS's step retry, from the loop's shared policy: up to STEP_RETRY.maxAttempts, from STEP_RETRY.initialMs doubling; a
 * refusal the world will repeat (a 4xx other than 408/409/429) is not retried and fails the workflow.
 */
export const STEP_CONFIG: StepConfig = {
  retriesAllowed: true,
  maxAttempts: STEP_RETRY.maxAttempts,
  intervalSeconds: STEP_RETRY.initialMs / 1000,
  backoffRate: STEP_RETRY.factor,
  shouldRetry: (e) => !(e instanceof WorldHttpError && !e.retryable),
};

/** The span a step would have had, for the marker of a step answered from the system database. */
function replayStep(name: string): [string, Record<string, string>] {
  if (name === 'llm') return [`${OPERATION.chat} ${MODEL}`, { [ATTR.operation]: OPERATION.chat, [ATTR.model]: MODEL }];
  // `tool:refund`, version 2's `tool.v2:refund` (rename-tool), its `audit` (extra-step)
  const tool = name === 'approval:request' ? 'request_approval' : name.replace(/^tool(\.v2)?:/, '');
  return [`${OPERATION.tool} ${tool}`, { [ATTR.operation]: OPERATION.tool, [ATTR.toolName]: tool }];
}

/** What a step's body learns from DBOS: its function id in the workflow, the key made of it, the attempt. */
interface StepInfo {
  key: string;
  seq: number;
  attempt: number;
}

/** The workflow function (registered by the worker with `DBOS.registerWorkflow`). */
export function agentWorkflow(deps: AgentDeps): (input: AgentTask) => Promise<AgentOutput> {
  /**
   * One checkpointed step, started now: DBOS takes its function id when it is called (before any await), so steps
   * started in call order number the same on every execution. A step whose result is already in the system database
   * returns it without running the body, and leaves a replayed marker in the trace; a step that ran reports itself
   * journaled once DBOS has recorded its result.
   */
  const step = async <T>(name: string, point: 'llm:before' | 'tool:before', body: (info: StepInfo) => Promise<T>): Promise<T> => {
    let ran: StepInfo | undefined;
    const next = functionIDGet();
    const result = await DBOS.runStep(
      async () => {
        const seq = DBOS.stepID ?? 0;
        const info = { key: `${DBOS.workflowID}:${seq}`, seq, attempt: DBOS.stepStatus?.currentAttempt ?? 1 };
        ran = info;
        await deps.world.probe(point, { step: seq, attempt: info.attempt, detail: { name } });
        return body(info);
      },
      { ...STEP_CONFIG, name },
    );
    if (!ran) replayedStepSpan(replayStep(name)[0], { step: next, attempt: 1 }, replayStep(name)[1]);
    else await deps.world.probe('step:journaled', { step: ran.seq, attempt: ran.attempt, detail: { name } });
    return result;
  };

  /** Version 2's change ran live (never when DBOS answers the step from its checkpoint): a `deploy:v2` probe. */
  const v2Ran = (change: DeployChange, seq: number) => deps.world.probe(DEPLOY_PROBE, { step: seq, detail: { change } });

  /**
   * A tool call. Version 2: rename-tool names the step `tool.v2:<tool>`; changed-arg gives its closure a changed
   * argument (`{version: 2}`), which DBOS does not checkpoint.
   */
  const tool = (call: ToolCall, renamed: boolean, changed?: { version: 2 }): Promise<ToolResult> =>
    step(renamed ? v2ToolStep(call.function.name) : `tool:${call.function.name}`, 'tool:before', async (info) => {
      if (renamed) await v2Ran('rename-tool', info.seq);
      else if (changed?.version === 2) await v2Ran('changed-arg', info.seq);
      const key = effectKey(call.function.name, info.key, deps.idempotency);
      const sent = key ? { idempotencyKey: key } : {};
      return toolSpan(call.function.name, call.id, { step: info.seq, attempt: info.attempt, ...sent }, () =>
        runTool(call, { world: deps.world, workspace: deps.workspace, step: info.seq, attempt: info.attempt, ...sent }),
      );
    });

  /** Posts the request to the world's inbox in a step (its key is the approval id), then waits for the human's message. */
  const approval = async (call: ToolCall, span: Span): Promise<ToolResult> => {
    const args = toolArgs(call);
    let posted = false;
    const id = await step('approval:request', 'tool:before', (info) =>
      toolSpan('request_approval', call.id, { step: info.seq, attempt: info.attempt }, async () => {
        await deps.world.requestApproval(info.key, ...approvalRequestArgs(args));
        posted = true;
        return info.key;
      }),
    );
    if (posted) {
      await deps.world.probe('approval:waiting', { detail: { id } });
      // the workflow waits in the system database from here: this stretch of the agent ends
      span.setAttribute('ordeal.waiting_for', 'approval');
      span.end();
    }
    // the topic is the approval id: `approve` sends the decision to this workflow on it (DBOS.send)
    const decision = await DBOS.recv<ApprovalResult>(id, { timeoutSeconds: APPROVAL_WAIT_S });
    if (decision === null) throw new Error(`agent: no decision for approval ${id} within ${APPROVAL_WAIT_S} s`);
    return approvalResult(decision);
  };

  const loop = async (input: AgentTask, span: Span): Promise<AgentOutput> => {
    const v = deps.version;
    // Version 2 with versioning asks DBOS.patch() once, before any step. Recovering a run version 1 began, DBOS finds
    // that run's first step at this function id, not a patch marker, and says false: the run keeps version 1's path to
    // its end. A run begun on version 2 records the marker there and takes the new path on every execution.
    const onV2 = v?.version === 2 && v.change !== undefined && (!v.versioning || (await DBOS.patch(patchId(v.change))));
    /** Whether version 2's `change` runs in this execution. */
    const v2 = (change: DeployChange): boolean => onV2 && v?.change === change;
    const messages: ChatMessage[] = [...openingMessages(v2('system-prompt') ? { ...input, system: V2_SYSTEM_PROMPT } : input)];
    for (let turn = 0; turn < (deps.maxTurns ?? MAX_TURNS); turn++) {
      const reply = await step('llm', 'llm:before', async (info) => {
        // version 2's system prompt reached a live model call
        if (v2('system-prompt')) await v2Ran('system-prompt', info.seq);
        return chatSpan(MODEL, { step: info.seq, attempt: info.attempt }, () => deps.world.chat(messages, toolSchemas));
      });
      messages.push(reply.message);
      const calls = reply.message.tool_calls ?? [];
      if (calls.length === 0) return { answer: reply.message.content ?? '' };
      // version 2, extra-step: one more step, an audit call to the world, before the turn's tool calls
      if (v2('extra-step')) await step('audit', 'tool:before', (info) => v2Ran('extra-step', info.seq).then(() => ({ audited: calls.length })));
      const changed = v2('changed-arg') ? ({ version: 2 } as const) : undefined;
      // A stretch of calls runs as concurrent steps, started in call order and joined with Promise.all; an approval is
      // a barrier (toolBatches); --opt toolCalls=sequential runs them one at a time.
      const results: ToolResult[] = [];
      for (const batch of toolBatches(calls, (c) => c.function.name, input.toolCalls)) {
        if ('approval' in batch) results.push(await approval(batch.approval, span));
        else results.push(...(await Promise.all(batch.calls.map((call) => tool(call, v2('rename-tool'), changed)))));
      }
      for (const [i, call] of calls.entries()) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i]) });
    }
    throw new Error('agent: too many turns');
  };

  // one invoke_agent span per execution: a recovery runs the workflow from the top in a new one
  return (input: AgentTask) => agentSpan('ordeal-agent', (span) => loop(input, span), { 'dbos.workflow_id': DBOS.workflowID ?? '' });
}
