/**
 * The agent as a StateGraph, as LangGraph's docs write one: a model node, a ToolNode, conditional edges. The tool calls
 * go to the ToolNode as `Send`s (map-reduce): one task each, a stretch of them in one superstep, run in parallel; a
 * `join` node after it (fan-in) sends the next stretch or goes back to the model.
 */
import type { AIMessage, BaseMessage, ToolMessage } from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import type { BaseCheckpointSaver, LangGraphRunnableConfig, RetryPolicy } from '@langchain/langgraph';
import { END, MessagesAnnotation, Send, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import type { ChatOpenAI } from '@langchain/openai';
import { STEP_RETRY, toolBatches, WorldHttpError, type ToolCallsMode, type WorldClient } from '../../harness/agent/index.js';
import { modelSpan } from './telemetry.js';

export interface AgentParts {
  /** Undefined where the graph is only read (the orchestrator's outcome), never run. */
  model?: ChatOpenAI;
  tools: StructuredToolInterface[];
  world: WorldClient;
  /** Undefined for an agent that runs as a subgraph: it inherits its parent's. */
  checkpointer: BaseCheckpointSaver | undefined;
  /** How a turn's tool calls run (`--opt toolCalls`); concurrent unless given. */
  toolCalls?: ToolCallsMode;
}

/** Transient tool failures are retried by the node; a 4xx the world meant is not. */
export const retryPolicy: RetryPolicy = {
  maxAttempts: STEP_RETRY.maxAttempts,
  initialInterval: STEP_RETRY.initialMs,
  maxInterval: STEP_RETRY.maxMs,
  backoffFactor: STEP_RETRY.factor,
  retryOn: (e: unknown) => !(e instanceof WorldHttpError) || e.retryable,
};

export function graphAgent(p: AgentParts) {
  const model = p.model?.bindTools(p.tools);
  const callModel = async (state: typeof MessagesAnnotation.State, config: LangGraphRunnableConfig) => {
    if (!model) throw new Error('langgraph: this graph was opened to read state, not to run');
    const step = config.metadata?.langgraph_step as number | undefined;
    await p.world.probe('llm:before', { ...(step !== undefined ? { step } : {}), detail: { key: taskKey(config) } });
    return { messages: [await modelSpan(config, () => model.invoke(state.messages))] };
  };
  // the next stretch of the turn's unanswered calls, each a Send to the ToolNode; the model again once all are answered
  // (read by `join`, which runs once all of a superstep's tool tasks are done: a branch on `tools` would see only its own task's answer)
  const next = (state: typeof MessagesAnnotation.State) => {
    const batch = nextToolBatch(state.messages, p.toolCalls);
    if (batch === undefined) return END;
    return batch.length ? batch.map((call) => new Send('tools', { lg_tool_call: call })) : 'agent';
  };
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', callModel)
    .addNode('tools', new ToolNode(p.tools, { handleToolErrors: false }), { retryPolicy })
    .addEdge(START, 'agent')
    .addNode('join', () => ({}))
    .addConditionalEdges('agent', next, ['tools', END])
    .addEdge('tools', 'join')
    .addConditionalEdges('join', next, ['tools', 'agent'])
    .compile({ checkpointer: p.checkpointer });
}

/** A task's durable identity: thread and checkpoint namespace (node or task name, and a task id the checkpoint gives). */
export function taskKey(config: LangGraphRunnableConfig): string {
  const c = config.configurable ?? {};
  return `lg:${String(c.thread_id)}:${String(c.checkpoint_ns)}`;
}

type LcToolCall = NonNullable<AIMessage['tool_calls']>[number];

/**
 * The calls of the model's last turn to run next: the first stretch (toolBatches: concurrent calls up to an approval,
 * the approval alone, …) with a call not yet answered; `[]` when all are answered; undefined when the turn has no calls.
 */
export function nextToolBatch(messages: BaseMessage[], mode: ToolCallsMode | undefined): LcToolCall[] | undefined {
  let at = messages.length - 1;
  while (at >= 0 && messages[at]!.getType() !== 'ai') at--;
  const calls = (messages[at] as AIMessage | undefined)?.tool_calls ?? [];
  if (!calls.length) return undefined;
  const answered = new Set(messages.slice(at + 1).map((m) => (m as ToolMessage).tool_call_id));
  const pending = toolBatches(calls, (c) => c.name, mode)
    .map((b) => ('approval' in b ? [b.approval] : b.calls))
    .find((b) => b.some((c) => !answered.has(c.id ?? '')));
  return pending ?? [];
}
