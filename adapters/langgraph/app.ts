/** Builds the agent in the chosen API style; the worker runs it, the orchestrator only reads its state. */
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { StateSnapshot } from '@langchain/langgraph';
import { functionalAgent } from './functional-agent.js';
import { graphAgent, type AgentParts } from './graph-agent.js';
import type { Api } from './manifest.js';
import { openingMessages } from '../../harness/agent/conversation.js';
import type { RunRequest } from './handoff.js';

/** What both styles share: a Pregel app with a checkpointer. */
export interface AgentApp {
  invoke(input: unknown, config: RunnableConfig & { durability?: string }): Promise<unknown>;
  getState(config: RunnableConfig): Promise<StateSnapshot>;
}

export function buildApp(api: Api, parts: AgentParts): AgentApp {
  return (api === 'functional' ? functionalAgent(parts) : graphAgent(parts)) as unknown as AgentApp;
}

export function initialInput(api: Api, req: RunRequest): unknown {
  const [system, user] = openingMessages(req);
  const messages = [new SystemMessage(system.content), new HumanMessage(user.content)];
  return api === 'functional' ? messages : { messages };
}

/** The thread's final messages, whichever style wrote them. */
export function finalMessages(api: Api, values: unknown): BaseMessage[] {
  if (api === 'functional') return Array.isArray(values) ? (values as BaseMessage[]) : [];
  return (values as { messages?: BaseMessage[] } | undefined)?.messages ?? [];
}

/** The final answer once the thread is done: nothing left to run and the last message is the model's answer without tool calls. */
export function finalAnswer(api: Api, snap: StateSnapshot): string | undefined {
  if (!snap.createdAt || snap.next.length > 0) return undefined;
  const last = finalMessages(api, snap.values).at(-1) as AIMessage | undefined;
  if (!last || last.getType?.() !== 'ai' || last.tool_calls?.length) return undefined;
  return typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
}

export const threadConfig = (threadId: string): RunnableConfig => ({ configurable: { thread_id: threadId } });
