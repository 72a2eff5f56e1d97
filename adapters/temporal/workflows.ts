/** The agent loop as a Temporal workflow: model and tool calls are activities, approval is a signal. */
import { condition, defineSignal, proxyActivities, proxySinks, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { ChatMessage } from '../../harness/agent/index.js';
import { openingMessages } from '../../harness/agent/conversation.js';
import type { AgentActivities } from './activities.js';
import { APPROVAL_SIGNAL, type AgentInput, type ApprovalDecisionSignal, type JournalSinks } from './shared.js';

export const approvalSignal = defineSignal<[ApprovalDecisionSignal]>(APPROVAL_SIGNAL);

const MAX_TURNS = 200;

export async function agentWorkflow(input: AgentInput): Promise<{ answer: string }> {
  const t = input.timeouts;
  const options: ActivityOptions = {
    startToCloseTimeout: t.startToCloseMs,
    ...(t.heartbeatMs > 0 ? { heartbeatTimeout: t.heartbeatMs } : {}),
    ...(t.scheduleToStartMs > 0 ? { scheduleToStartTimeout: t.scheduleToStartMs } : {}),
    retry: { initialInterval: t.retryInitialMs, backoffCoefficient: 2, maximumInterval: 30_000, maximumAttempts: t.maxAttempts, nonRetryableErrorTypes: ['NonRetryable'] },
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

  const messages: ChatMessage[] = [...openingMessages(input)];
  let approvals = 0;
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const reply = await journaled('llm', () => acts.callModel(messages));
    messages.push(reply);
    const calls = reply.tool_calls ?? [];
    if (calls.length === 0) return { answer: reply.content ?? '' };
    for (const call of calls) {
      let result: Record<string, unknown>;
      if (call.function.name === 'request_approval') {
        // The id comes from the workflow's identity, never from the model's output.
        const approvalId = `${workflowInfo().workflowId}:approval:${++approvals}`;
        await journaled('approval:request', () => acts.requestApproval(approvalId, call.function.arguments));
        journal.approvalWaiting(approvalId);
        await condition(() => decisions.has(approvalId));
        const d = decisions.get(approvalId)!;
        result = { approved: d.approved, ...(d.values ? { values: d.values } : {}) };
      } else {
        result = await journaled(`tool:${call.function.name}`, () => acts.runToolCall(call));
      }
      messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
    }
  }
  throw new Error('agent: too many turns');
}
