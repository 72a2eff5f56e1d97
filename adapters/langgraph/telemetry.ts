/** Step spans for the LangGraph worker: LangGraph's durable identity of a task, and LangChain's token usage. */
import { trace } from '@opentelemetry/api';
import type { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { MODEL } from '../../harness/agent/index.js';
import { ATTR, chatSpan } from '../../harness/telemetry/index.js';

export { MODEL };

// Executions of each step in this process: LangGraph does not tell a task which attempt it is.
const attempts = new Map<string, number>();

export function nextAttempt(step: string): number {
  const n = (attempts.get(step) ?? 0) + 1;
  attempts.set(step, n);
  return n;
}

/** A task's durable identity: its checkpoint namespace (node or task name and a task id derived from the checkpoint). */
export function taskStep(config: LangGraphRunnableConfig | undefined): string {
  const c = config?.configurable ?? {};
  return String(c.checkpoint_ns ?? config?.metadata?.langgraph_step ?? 'unknown');
}

/** `chat ordeal-scripted` around one model call; LangChain reports tokens in `usage_metadata`. */
export function modelSpan(config: LangGraphRunnableConfig | undefined, fn: () => Promise<AIMessage>): Promise<AIMessage> {
  const step = taskStep(config);
  return chatSpan(MODEL, { step, attempt: nextAttempt(step) }, async () => {
    const reply = await fn();
    const usage = reply.usage_metadata;
    if (usage) trace.getActiveSpan()?.setAttributes({ [ATTR.inputTokens]: usage.input_tokens, [ATTR.outputTokens]: usage.output_tokens });
    return reply;
  });
}
