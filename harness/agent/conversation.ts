/** How every agent loop opens its conversation: the same words on every framework, so model calls and tokens compare. */
// No imports: Temporal's workflow sandbox bundles this file.

export const DEFAULT_SYSTEM_PROMPT = 'You are a careful agent. Use the tools.';

export interface AgentTask {
  task: string;
  system?: string;
}

export function openingMessages(input: AgentTask): [{ role: 'system'; content: string }, { role: 'user'; content: string }] {
  return [
    { role: 'system', content: input.system ?? DEFAULT_SYSTEM_PROMPT },
    { role: 'user', content: input.task },
  ];
}
