/** The agent with LangGraph's functional API: an `entrypoint` whose model and tool calls are `task`s. */
import type { AIMessage, BaseMessage, ToolMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';
import { addMessages, entrypoint, getConfig, task } from '@langchain/langgraph';
import type { AgentParts } from './graph-agent.js';
import { retryPolicy, taskKey } from './graph-agent.js';
import { MAX_TURNS, toolBatches } from '../../harness/agent/index.js';
import { modelSpan } from './telemetry.js';

export function functionalAgent(p: AgentParts) {
  const model = p.model?.bindTools(p.tools);
  const byName = new Map(p.tools.map((t) => [t.name, t]));

  const callModel = task({ name: 'callModel' }, async (messages: BaseMessage[]): Promise<AIMessage> => {
    if (!model) throw new Error('langgraph: this agent was opened to read state, not to run');
    const config = getConfig();
    const step = config.metadata?.langgraph_step as number | undefined;
    // the task's key tells apart model calls that share a superstep (every task of the functional API runs in one)
    await p.world.probe('llm:before', { ...(step !== undefined ? { step } : {}), detail: { key: taskKey(config) } });
    return modelSpan(config, () => model.invoke(messages));
  });

  const callTool = task({ name: 'callTool', retry: retryPolicy }, async (call: ToolCall): Promise<ToolMessage> => {
    const t = byName.get(call.name);
    if (!t) throw new Error(`langgraph: the model called unknown tool '${call.name}'`);
    // the task's config carries its durable identity (thread, checkpoint namespace with the task id)
    return (await t.invoke({ ...call, type: 'tool_call' }, getConfig())) as ToolMessage;
  });

  return entrypoint({ name: 'agent', checkpointer: p.checkpointer }, async (input: BaseMessage[]) => {
    let messages = input;
    let response = await callModel(messages);
    for (let turn = 0; turn < MAX_TURNS; turn++) {
      if (!response.tool_calls?.length) return addMessages(messages, [response]);
      // a stretch of calls runs as parallel tasks (called in call order: the same task ids on every replay); an approval is a barrier
      const results: ToolMessage[] = [];
      for (const batch of toolBatches(response.tool_calls, (c) => c.name, p.toolCalls)) {
        if ('approval' in batch) results.push(await callTool(batch.approval));
        else results.push(...(await Promise.all(batch.calls.map((c) => callTool(c)))));
      }
      messages = addMessages(messages, [response, ...results]);
      response = await callModel(messages);
    }
    throw new Error('langgraph: too many turns');
  });
}
