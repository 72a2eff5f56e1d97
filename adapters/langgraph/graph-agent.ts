/**
 * The agent as a StateGraph, as LangGraph's docs write one: a model node, a ToolNode, conditional edges. The tool calls
 * go to the ToolNode as `Send`s (map-reduce): one task each, a stretch of them in one superstep, run in parallel; a
 * `join` node after it (fan-in) sends the next stretch or goes back to the model. Version 2 (deploy) is new graph code
 * under the same graph, compiled on the same checkpointer: an `audit` node, the ToolNode renamed, a Send with one more
 * field, or a new system prompt (app.ts).
 */
import type { AIMessage, BaseMessage, ToolMessage } from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import type { BaseCheckpointSaver, LangGraphRunnableConfig, RetryPolicy } from '@langchain/langgraph';
import { END, MessagesAnnotation, Send, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import type { ChatOpenAI } from '@langchain/openai';
import {
  DEPLOY_PROBE,
  hasChange,
  STEP_RETRY,
  toolBatches,
  V2_SYSTEM_PROMPT,
  WorldHttpError,
  type AgentVersion,
  type DeployChange,
  type ToolCallsMode,
  type WorldClient,
} from '../../harness/agent/index.js';
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
  /** The agent's version (deploy); version 1 unless given. LangGraph has no versioning tool: version 2 is plain new code. */
  version?: AgentVersion;
}

/** Version 2's name for the tools node (deploy change=rename-tool). */
export const V2_TOOLS_NODE = 'tools.v2';

/** What the tools node of version 2 gets besides the call (deploy change=changed-arg): the ToolNode hands it to the tool as `state`. */
export const V2_TOOL_ARG = { version: 2 } as const;

/** Version 2's change ran live: the history shows it as a `deploy:v2` probe of this worker. */
export const v2Ran = (world: WorldClient, change: DeployChange, config: LangGraphRunnableConfig): Promise<unknown> => {
  const step = config.metadata?.langgraph_step as number | undefined;
  return world.probe(DEPLOY_PROBE, { ...(step !== undefined ? { step } : {}), detail: { change, key: taskKey(config) } });
};

/** Whether a conversation opens with version 2's system prompt (deploy change=system-prompt): only a thread version 2 began. */
export const opensWithV2Prompt = (messages: BaseMessage[]): boolean =>
  messages[0]?.getType() === 'system' && messages[0].content === V2_SYSTEM_PROMPT;

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
    if (opensWithV2Prompt(state.messages)) await v2Ran(p.world, 'system-prompt', config);
    return { messages: [await modelSpan(config, () => model.invoke(state.messages))] };
  };
  // version 2, rename-tool: the ToolNode under a new name; changed-arg: each Send carries one more field
  const tools = hasChange(p.version, 'rename-tool') ? V2_TOOLS_NODE : 'tools';
  const send = (call: LcToolCall) =>
    new Send(tools, hasChange(p.version, 'changed-arg') ? { lg_tool_call: call, ...V2_TOOL_ARG } : { lg_tool_call: call });
  // the next stretch of the turn's unanswered calls, each a Send to the ToolNode; the model again once all are answered
  // (read by `join`, which runs once all of a superstep's tool tasks are done: a branch on `tools` would see only its own task's answer)
  const next = (state: typeof MessagesAnnotation.State) => {
    const batch = nextToolBatch(state.messages, p.toolCalls);
    if (batch === undefined) return END;
    return batch.length ? batch.map(send) : 'agent';
  };
  // version 2, extra-step: the model's calls go through an `audit` node first, once a turn
  const audited = hasChange(p.version, 'extra-step');
  const audit = async (_state: typeof MessagesAnnotation.State, config: LangGraphRunnableConfig) => {
    await v2Ran(p.world, 'extra-step', config);
    return {};
  };
  const toAudit = (state: typeof MessagesAnnotation.State) => (nextToolBatch(state.messages, p.toolCalls) === undefined ? END : 'audit');
  // node names are type parameters of the builder: version 2's new name is not known to the compiler
  const node = tools as 'tools';
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('agent', callModel)
    .addNode(node, new ToolNode(p.tools, { handleToolErrors: false }), { retryPolicy })
    .addEdge(START, 'agent')
    .addNode('join', () => ({}));
  const routed = audited
    ? graph.addNode('audit', audit).addConditionalEdges('agent', toAudit, ['audit', END]).addConditionalEdges('audit', next, [node, 'agent'])
    : graph.addConditionalEdges('agent', next, [node, END]);
  return routed.addEdge(node, 'join').addConditionalEdges('join', next, [node, 'agent']).compile({ checkpointer: p.checkpointer });
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
