/** The agent loop as a DBOS workflow: each model call and tool call a `DBOS.runStep`, the approval through `DBOS.recv`. */
import type { Span } from '@opentelemetry/api';
import { DBOS, type StepConfig } from '@dbos-inc/dbos-sdk';
// read-only: the workflow's next function id, for the trace marker of a step DBOS answers from its checkpoint
import { functionIDGet } from '@dbos-inc/dbos-sdk/internal/context';
import {
  approvalRequestArgs,
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
  WorldHttpError,
  type AgentTask,
  type ApprovalResult,
  type ChatMessage,
  type ToolCall,
  type ToolResult,
  type WorldClient,
} from '../../harness/agent/index.js';
import { agentSpan, ATTR, chatSpan, OPERATION, replayedStepSpan, toolSpan } from '../../harness/telemetry/index.js';

/** The workflow's registered name: what the adapter enqueues and what recovery looks up. */
export const AGENT = 'agent';
/** The queue the adapter enqueues runs on (`DBOSClient.enqueue`) and the worker dequeues from. */
export const QUEUE = 'ordeal-agent';
/** The application every worker of a case runs as: a restarted worker is the same application and version, so it recovers the runs. */
export const APP_NAME = 'ordeal';
export const APP_VERSION = 'ordeal-agent-1';
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
  const tool = name === 'approval:request' ? 'request_approval' : name.slice('tool:'.length);
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

  const tool = (call: ToolCall): Promise<ToolResult> =>
    step(`tool:${call.function.name}`, 'tool:before', (info) => {
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
    const messages: ChatMessage[] = [...openingMessages(input)];
    for (let turn = 0; turn < (deps.maxTurns ?? MAX_TURNS); turn++) {
      const reply = await step('llm', 'llm:before', (info) =>
        chatSpan(MODEL, { step: info.seq, attempt: info.attempt }, () => deps.world.chat(messages, toolSchemas)),
      );
      messages.push(reply.message);
      const calls = reply.message.tool_calls ?? [];
      if (calls.length === 0) return { answer: reply.message.content ?? '' };
      // A stretch of calls runs as concurrent steps, started in call order and joined with Promise.all; an approval is
      // a barrier (toolBatches); --opt toolCalls=sequential runs them one at a time.
      const results: ToolResult[] = [];
      for (const batch of toolBatches(calls, (c) => c.function.name, input.toolCalls)) {
        if ('approval' in batch) results.push(await approval(batch.approval, span));
        else results.push(...(await Promise.all(batch.calls.map(tool))));
      }
      for (const [i, call] of calls.entries()) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i]) });
    }
    throw new Error('agent: too many turns');
  };

  // one invoke_agent span per execution: a recovery runs the workflow from the top in a new one
  return (input: AgentTask) => agentSpan('ordeal-agent', (span) => loop(input, span), { 'dbos.workflow_id': DBOS.workflowID ?? '' });
}
