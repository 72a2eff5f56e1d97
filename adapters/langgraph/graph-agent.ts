/** The agent as a StateGraph, as LangGraph's docs write one: a model node, a ToolNode, a conditional edge. */
import type { AIMessage } from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import type { BaseCheckpointSaver, LangGraphRunnableConfig, RetryPolicy } from '@langchain/langgraph';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import type { ChatOpenAI } from '@langchain/openai';
import { WorldHttpError, type WorldClient } from '../../harness/agent/index.js';
import { modelSpan } from './telemetry.js';

export interface AgentParts {
  /** Undefined where the graph is only read (the orchestrator's outcome), never run. */
  model?: ChatOpenAI;
  tools: StructuredToolInterface[];
  world: WorldClient;
  checkpointer: BaseCheckpointSaver;
}

/** Transient tool failures are retried by the node; a 4xx the world meant is not. */
export const retryPolicy: RetryPolicy = {
  maxAttempts: 5,
  initialInterval: 100,
  maxInterval: 2000,
  retryOn: (e: unknown) => !(e instanceof WorldHttpError) || e.retryable,
};

export function graphAgent(p: AgentParts) {
  const model = p.model?.bindTools(p.tools);
  const callModel = async (state: typeof MessagesAnnotation.State, config: LangGraphRunnableConfig) => {
    if (!model) throw new Error('langgraph: this graph was opened to read state, not to run');
    const step = config.metadata?.langgraph_step as number | undefined;
    await p.world.probe('llm:before', { ...(step !== undefined ? { step } : {}) });
    return { messages: [await modelSpan(config, () => model.invoke(state.messages))] };
  };
  const next = (state: typeof MessagesAnnotation.State) => ((state.messages.at(-1) as AIMessage).tool_calls?.length ? 'tools' : END);
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', callModel)
    .addNode('tools', new ToolNode(p.tools, { handleToolErrors: false }), { retryPolicy })
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', next, ['tools', END])
    .addEdge('tools', 'agent')
    .compile({ checkpointer: p.checkpointer });
}
