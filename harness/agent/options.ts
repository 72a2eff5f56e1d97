/** The adapter options every agent loop reads, and the input every adapter submits. */
import { UsageError } from '../errors.js';
import type { Scenario } from '../scenario/index.js';
import type { AgentTask } from './conversation.js';
import { TOOL_CALLS_MODES, type ToolCallsMode } from './loop.js';

/** `--opt toolCalls=concurrent|sequential` (default concurrent): how the loop runs one turn's tool calls. */
export function toolCallsOf(options: Record<string, string>): ToolCallsMode {
  const v = options.toolCalls ?? 'concurrent';
  if (!(TOOL_CALLS_MODES as readonly string[]).includes(v))
    throw new UsageError(`--opt toolCalls=${v}: expected ${TOOL_CALLS_MODES.join(' or ')} (how one turn's tool calls run)`, 'ORD-110');
  return v as ToolCallsMode;
}

/** The agent's input as every adapter submits it: the scenario's task and system prompt, and how tool calls run. */
export function agentTask(scenario: Pick<Scenario, 'task' | 'system'>, options: Record<string, string>): AgentTask {
  return { task: scenario.task, ...(scenario.system ? { system: scenario.system } : {}), toolCalls: toolCallsOf(options) };
}
