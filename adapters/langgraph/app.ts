/** Builds the agent in the chosen API style; the worker runs it, the orchestrator only reads its state. */
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { StateSnapshot } from '@langchain/langgraph';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { functionalAgent } from './functional-agent.js';
import { graphAgent, type AgentParts } from './graph-agent.js';
import type { Shape } from './manifest.js';
import { openingMessages } from '../../harness/agent/conversation.js';
import { hasChange, V2_SYSTEM_PROMPT, type AgentVersion } from '../../harness/agent/deploy.js';
import type { RunRequest } from './handoff.js';

/** What both styles share: a Pregel app with a checkpointer. */
export interface AgentApp {
  invoke(input: unknown, config: RunnableConfig & { durability?: string }): Promise<unknown>;
  getState(config: RunnableConfig): Promise<StateSnapshot>;
}

export function buildApp(shape: Shape, parts: AgentParts): AgentApp {
  if (shape.nesting === 'none') return (shape.api === 'functional' ? functionalAgent(parts) : graphAgent(parts)) as unknown as AgentApp;
  // the agent as a subgraph: compiled without a checkpointer, it inherits the parent's and checkpoints under its own
  // namespace; its interrupt surfaces on the parent's task, and the parent is what the worker resumes
  const inner = { ...parts, checkpointer: undefined };
  const parent = new StateGraph(MessagesAnnotation);
  const withAgent =
    shape.api === 'functional'
      ? // an entrypoint takes and returns the message list: a node that hands it the parent's messages
        (() => {
          const agent = functionalAgent(inner);
          return parent.addNode('agent', async (state: typeof MessagesAnnotation.State, config) => ({
            messages: await agent.invoke(state.messages, config),
          }));
        })()
      : parent.addNode('agent', graphAgent(inner));
  return withAgent.addEdge(START, 'agent').addEdge('agent', END).compile({ checkpointer: parts.checkpointer }) as unknown as AgentApp;
}

/** A new thread's input: its opening messages, which the checkpoint keeps (version 2's system prompt opens only the threads it begins). */
export function initialInput(shape: Shape, req: RunRequest, version?: AgentVersion): unknown {
  const [system, user] = openingMessages(hasChange(version, 'system-prompt') ? { ...req, system: V2_SYSTEM_PROMPT } : req);
  const messages = [new SystemMessage(system.content), new HumanMessage(user.content)];
  return shape.api === 'functional' && shape.nesting === 'none' ? messages : { messages };
}

/** The thread's final messages, whichever style wrote them. */
export function finalMessages(shape: Shape, values: unknown): BaseMessage[] {
  if (shape.api === 'functional' && shape.nesting === 'none') return Array.isArray(values) ? (values as BaseMessage[]) : [];
  return (values as { messages?: BaseMessage[] } | undefined)?.messages ?? [];
}

/** The final answer once the thread is done: nothing left to run and the last message is the model's answer without tool calls. */
export function finalAnswer(shape: Shape, snap: StateSnapshot): string | undefined {
  if (!snap.createdAt || snap.next.length > 0) return undefined;
  const last = finalMessages(shape, snap.values).at(-1) as AIMessage | undefined;
  if (!last || last.getType?.() !== 'ai' || last.tool_calls?.length) return undefined;
  return typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
}

export const threadConfig = (threadId: string): RunnableConfig => ({ configurable: { thread_id: threadId } });
