/** How every agent loop opens its conversation: the same words on every framework, so model calls and tokens compare. */
// Type imports only: Temporal's workflow sandbox bundles this file.
import type { ToolCallsMode } from './loop.js';

export const DEFAULT_SYSTEM_PROMPT = 'You are a careful agent. Use the tools.';

/** The agent's input on every framework (the workflow's or orchestration's input: replays see the same). */
export interface AgentTask {
  task: string;
  system?: string;
  /** Absent in inputs written before the option existed: concurrent. */
  toolCalls?: ToolCallsMode;
}

export function openingMessages(input: AgentTask): [{ role: 'system'; content: string }, { role: 'user'; content: string }] {
  return [
    { role: 'system', content: input.system ?? DEFAULT_SYSTEM_PROMPT },
    { role: 'user', content: input.task },
  ];
}
