/** The agent loop as a Temporal workflow: model and tool calls are activities, approval is a signal. */
import { condition, defineSignal, proxyActivities, proxySinks, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { ChatMessage, ToolCall } from '../../harness/agent/index.js';
// the sandbox-safe parts of the kit (no Node imports): the workflow bundle takes only these
import { openingMessages } from '../../harness/agent/conversation.js';
import { approvalResult, MAX_TURNS, toolBatches } from '../../harness/agent/loop.js';
import type { AgentActivities } from './activities.js';
import { APPROVAL_SIGNAL, type AgentInput, type ApprovalDecisionSignal, type JournalSinks } from './shared.js';

export const approvalSignal = defineSignal<[ApprovalDecisionSignal]>(APPROVAL_SIGNAL);

export async function agentWorkflow(input: AgentInput): Promise<{ answer: string }> {
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

  const messages: ChatMessage[] = [...openingMessages(input)];
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const reply = await journaled('llm', () => acts.callModel(messages));
    messages.push(reply);
    const calls = reply.tool_calls ?? [];
    if (calls.length === 0) return { answer: reply.content ?? '' };
    // A stretch of calls runs as activities scheduled together, in call order (so their sequence numbers are the same
    // on every replay), joined with Promise.all; an approval is a barrier (toolBatches).
    const results: Record<string, unknown>[] = [];
    for (const batch of toolBatches(calls, (c) => c.function.name, input.toolCalls)) {
      if ('approval' in batch) results.push(await approval(batch.approval));
      else results.push(...(await Promise.all(batch.calls.map((call) => journaled(`tool:${call.function.name}`, () => acts.runToolCall(call))))));
    }
    for (const [i, call] of calls.entries()) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i]) });
  }
  throw new Error('agent: too many turns');
}
