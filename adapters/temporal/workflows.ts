/**
 * The agent loop as a Temporal workflow: model and tool calls are activities, approval is a signal. `agentWorkflowOf`
 * builds version 1 or a version 2 (deploy): the worker of version 2 bundles an entry that exports it under the same
 * workflow type, as a user ships new workflow code; with versioning it guards its change with Temporal's patched().
 */
import { condition, defineSignal, patched, proxyActivities, proxySinks, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { ChatMessage, ToolCall } from '../../harness/agent/index.js';
// the sandbox-safe parts of the kit (no Node imports): the workflow bundle takes only these
import { openingMessages } from '../../harness/agent/conversation.js';
import { approvalResult, MAX_TURNS, toolBatches } from '../../harness/agent/loop.js';
import { patchId, V2_SYSTEM_PROMPT, type AgentVersion, type DeployChange } from '../../harness/agent/deploy.js';
import type { AgentActivities } from './activities.js';
import { APPROVAL_SIGNAL, type AgentInput, type ApprovalDecisionSignal, type JournalSinks } from './shared.js';

export const approvalSignal = defineSignal<[ApprovalDecisionSignal]>(APPROVAL_SIGNAL);

/** The agent workflow of version `v`. */
export function agentWorkflowOf(v: AgentVersion): (input: AgentInput) => Promise<{ answer: string }> {
  return (input) => agentLoop(input, v);
}

/** Version 1: what `ordeal run` starts and every worker runs until a deploy. */
export const agentWorkflow = agentWorkflowOf({ version: 1, versioning: false });

async function agentLoop(input: AgentInput, v: AgentVersion): Promise<{ answer: string }> {
  // Version 2 with versioning asks patched() once, first thing: replaying a run that version 1 began, it finds no marker
  // there and says false, so that run keeps version 1's path to its end; a run begun on version 2 records the marker.
  const onV2 = v.version === 2 && v.change !== undefined && (!v.versioning || patched(patchId(v.change)));
  /** Whether version 2's `change` runs in this execution. */
  const v2 = (change: DeployChange): boolean => onV2 && v.change === change;
  const t = input.timeouts;
  const options: ActivityOptions = {
    startToCloseTimeout: t.startToCloseMs,
    ...(t.heartbeatMs > 0 ? { heartbeatTimeout: t.heartbeatMs } : {}),
    ...(t.scheduleToStartMs > 0 ? { scheduleToStartTimeout: t.scheduleToStartMs } : {}),
    retry: {
      initialInterval: t.retryInitialMs,
      backoffCoefficient: 2,
      maximumInterval: 30_000,
      maximumAttempts: t.maxAttempts,
      nonRetryableErrorTypes: ['NonRetryable'],
    },
  };
  const acts = proxyActivities<AgentActivities>(options);
  const { journal } = proxySinks<JournalSinks>();

  const decisions = new Map<string, ApprovalDecisionSignal>();
  setHandler(approvalSignal, (d) => void decisions.set(d.approvalId, d));

  // Activity ids are the SDK's activity sequence numbers, so this counter names the same step as the activity.
  let step = 0;
  const journaled = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
    const seq = ++step;
    const result = await call();
    journal.stepJournaled(seq, name);
    return result;
  };

  let approvals = 0;
  const approval = async (call: ToolCall): Promise<Record<string, unknown>> => {
    // The id comes from the workflow's identity, never from the model's output.
    const approvalId = `${workflowInfo().workflowId}:approval:${++approvals}`;
    await journaled('approval:request', () => acts.requestApproval(approvalId, call.function.arguments));
    journal.approvalWaiting(approvalId);
    await condition(() => decisions.has(approvalId));
    return approvalResult(decisions.get(approvalId)!);
  };

  const messages: ChatMessage[] = [...openingMessages(v2('system-prompt') ? { ...input, system: V2_SYSTEM_PROMPT } : input)];
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const reply = await journaled('llm', () => acts.callModel(messages));
    messages.push(reply);
    const calls = reply.tool_calls ?? [];
    if (calls.length === 0) return { answer: reply.content ?? '' };
    // A stretch of calls runs as activities scheduled together, in call order (so their sequence numbers are the same
    // on every replay), joined with Promise.all; an approval is a barrier (toolBatches).
    // version 2, extra-step: one more activity before the turn's tool calls
    if (v2('extra-step')) await journaled('audit', () => acts.audit(calls.length));
    // version 2, rename-tool: the tool activity under its new name; changed-arg: called with one more argument
    const toolActivity = (call: ToolCall) =>
      v2('rename-tool') ? acts.runToolCallV2(call) : v2('changed-arg') ? acts.runToolCall(call, { version: 2 }) : acts.runToolCall(call);
    const results: Record<string, unknown>[] = [];
    for (const batch of toolBatches(calls, (c) => c.function.name, input.toolCalls)) {
      if ('approval' in batch) results.push(await approval(batch.approval));
      else results.push(...(await Promise.all(batch.calls.map((call) => journaled(`tool:${call.function.name}`, () => toolActivity(call))))));
    }
    for (const [i, call] of calls.entries()) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i]) });
  }
  throw new Error('agent: too many turns');
}
