/** The adapter options every agent loop reads, and the input every adapter submits. */
import { parseOptions, sharedOptions } from '../run/options.js';
import type { Scenario } from '../scenario/index.js';
import type { AgentTask } from './conversation.js';
import type { ToolCallsMode } from './loop.js';

/** `--opt toolCalls=concurrent|sequential` (default concurrent): how the loop runs one turn's tool calls, as the shared option declares it. */
export function toolCallsOf(options: Record<string, string>): ToolCallsMode {
  return parseOptions(sharedOptions, options, 'agent', { ignoreUnknown: true }).toolCalls;
}

/** The agent's input as every adapter submits it: the scenario's task and system prompt, and how tool calls run. */
export function agentTask(scenario: Pick<Scenario, 'task' | 'system'>, options: Record<string, string>): AgentTask {
  return { task: scenario.task, ...(scenario.system ? { system: scenario.system } : {}), toolCalls: toolCallsOf(options) };
}
