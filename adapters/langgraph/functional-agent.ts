/**
 * The agent with LangGraph's functional API: an `entrypoint` whose model and tool calls are `task`s. Version 2 (deploy)
 * is new entrypoint code under the same name, on the same checkpointer: an `audit` task, the tool task renamed, the tool
 * task called with one more argument, or a new system prompt (app.ts).
 */
import type { AIMessage, BaseMessage, ToolMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';
import { addMessages, entrypoint, getConfig, task } from '@langchain/langgraph';
import type { AgentParts } from './graph-agent.js';
import { opensWithV2Prompt, retryPolicy, taskKey, V2_TOOL_ARG, v2Ran } from './graph-agent.js';
import { APPROVAL_TOOL, hasChange, MAX_TURNS, toolBatches } from '../../harness/agent/index.js';
import { modelSpan } from './telemetry.js';

/** Version 2's name for the tool task (deploy change=rename-tool). */
export const V2_TOOL_TASK = 'callTool.v2';

export function functionalAgent(p: AgentParts) {
  const model = p.model?.bindTools(p.tools);
  const byName = new Map(p.tools.map((t) => [t.name, t]));
  const renamed = hasChange(p.version, 'rename-tool');
  const changedArg = hasChange(p.version, 'changed-arg');

  const callModel = task({ name: 'callModel' }, async (messages: BaseMessage[]): Promise<AIMessage> => {
    if (!model) throw new Error('langgraph: this agent was opened to read state, not to run');
    const config = getConfig();
    const step = config.metadata?.langgraph_step as number | undefined;
    // the task's key tells apart model calls that share a superstep (every task of the functional API runs in one)
    await p.world.probe('llm:before', { ...(step !== undefined ? { step } : {}), detail: { key: taskKey(config) } });
    if (opensWithV2Prompt(messages)) await v2Ran(p.world, 'system-prompt', config);
    return modelSpan(config, () => model.invoke(messages));
  });

  // version 2, rename-tool: the task under a new name; changed-arg: called with one more argument
  const callTool = task(
    { name: renamed ? V2_TOOL_TASK : 'callTool', retry: retryPolicy },
    async (call: ToolCall, arg?: typeof V2_TOOL_ARG): Promise<ToolMessage> => {
      const t = byName.get(call.name);
      if (!t) throw new Error(`langgraph: the model called unknown tool '${call.name}'`);
      // the approval tool interrupts and runs again on resume: version 2's probe goes with the tools that act once
      if ((renamed || arg?.version === 2) && call.name !== APPROVAL_TOOL) await v2Ran(p.world, renamed ? 'rename-tool' : 'changed-arg', getConfig());
      // the task's config carries its durable identity (thread, checkpoint namespace with the task id)
      return (await t.invoke({ ...call, type: 'tool_call' }, getConfig())) as ToolMessage;
    },
  );
  const runTool = (call: ToolCall) => (changedArg ? callTool(call, V2_TOOL_ARG) : callTool(call));

  // version 2, extra-step: one more task before each turn's tool calls
  const audit = task({ name: 'audit', retry: retryPolicy }, async (calls: number): Promise<{ audited: number }> => {
    await v2Ran(p.world, 'extra-step', getConfig());
    return { audited: calls };
  });

  return entrypoint({ name: 'agent', checkpointer: p.checkpointer }, async (input: BaseMessage[]) => {
    let messages = input;
    let response = await callModel(messages);
    for (let turn = 0; turn < MAX_TURNS; turn++) {
      if (!response.tool_calls?.length) return addMessages(messages, [response]);
      if (hasChange(p.version, 'extra-step')) await audit(response.tool_calls.length);
      // a stretch of calls runs as parallel tasks (called in call order: the same task ids on every replay); an approval is a barrier
      const results: ToolMessage[] = [];
      for (const batch of toolBatches(response.tool_calls, (c) => c.name, p.toolCalls)) {
        if ('approval' in batch) results.push(await runTool(batch.approval));
        else results.push(...(await Promise.all(batch.calls.map((c) => runTool(c)))));
      }
      messages = addMessages(messages, [response, ...results]);
      response = await callModel(messages);
    }
    throw new Error('langgraph: too many turns');
  });
}
