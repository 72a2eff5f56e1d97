/** Attribute names: the OpenTelemetry GenAI conventions plus ordeal's durability attributes (docs/telemetry.md). */
export const ATTR = {
  operation: 'gen_ai.operation.name',
  system: 'gen_ai.system',
  model: 'gen_ai.request.model',
  agentName: 'gen_ai.agent.name',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  runId: 'ordeal.run_id',
  step: 'ordeal.step',
  attempt: 'ordeal.attempt',
  replayed: 'ordeal.replayed',
  idempotencyKey: 'ordeal.idempotency_key',
  fault: 'ordeal.fault',
  process: 'ordeal.process',
} as const;

/** Span names of the GenAI conventions: `{operation} {model | tool | agent}`. */
export const OPERATION = { agent: 'invoke_agent', chat: 'chat', tool: 'execute_tool' } as const;

/** Where one step execution stands: what every step span carries. */
export interface StepIdentity {
  step: number | string;
  attempt: number;
  /** Answered from the journal without running anything. */
  replayed?: boolean;
  /** The key sent with the effect, when one was sent. */
  idempotencyKey?: string;
}

export function stepAttributes(s: StepIdentity): Record<string, string | number | boolean> {
  return {
    [ATTR.step]: s.step,
    [ATTR.attempt]: s.attempt,
    [ATTR.replayed]: s.replayed ?? false,
    ...(s.idempotencyKey ? { [ATTR.idempotencyKey]: s.idempotencyKey } : {}),
  };
}
