/**
 * What every agent loop does the same way, whatever its framework: the model's name, the turn limit, the retry of a
 * failed step, how a turn's tool calls are grouped (concurrent runs, an approval as a barrier), the approval's result.
 */
// No imports: Temporal's workflow sandbox bundles this file.

/** The model the world's scripted model answers as (`gen_ai.request.model`). */
export const MODEL = 'ordeal-scripted';

/** An agent that has not answered after this many model turns fails. */
export const MAX_TURNS = 200;

/** The tool every framework waits on in its own way (signal, awakeable, external event, interrupt). */
export const APPROVAL_TOOL = 'request_approval';

/** How a failed step is retried where the loop sets the policy (reference runtime, Dapr's orchestration, LangGraph's tools). */
export const STEP_RETRY = { maxAttempts: 6, initialMs: 50, maxMs: 2000, factor: 2 } as const;

/** The wait before attempt `attempt + 1` of a step under STEP_RETRY. */
export function retryDelayMs(attempt: number): number {
  return Math.min(STEP_RETRY.maxMs, STEP_RETRY.initialMs * STEP_RETRY.factor ** (attempt - 1));
}

/** `--opt toolCalls=`: a turn's tool calls run at once (the default) or one after another. */
export const TOOL_CALLS_MODES = ['concurrent', 'sequential'] as const;
export type ToolCallsMode = (typeof TOOL_CALLS_MODES)[number];

/** A group of one turn's tool calls: calls run together, or the approval that nothing else runs beside. */
export type ToolBatch<C> = { calls: C[] } | { approval: C };

/**
 * A turn's tool calls in the order the loop runs them. Concurrent: each stretch of calls between approvals runs at
 * once, and an approval is a barrier (the calls before it finish first, the calls after it start once the human has
 * answered). Sequential: every call alone, one after another.
 */
export function toolBatches<C>(calls: readonly C[], nameOf: (call: C) => string, mode: ToolCallsMode = 'concurrent'): ToolBatch<C>[] {
  const out: ToolBatch<C>[] = [];
  let run: C[] = [];
  for (const call of calls) {
    if (nameOf(call) === APPROVAL_TOOL) {
      if (run.length) out.push({ calls: run });
      run = [];
      out.push({ approval: call });
    } else if (mode === 'sequential') out.push({ calls: [call] });
    else run.push(call);
  }
  if (run.length) out.push({ calls: run });
  return out;
}

/** The human's decision as the approval tool's result: what the model reads back on every framework. */
export type ApprovalResult = {
  approved: boolean;
  values?: Record<string, unknown>;
};

/** The approval tool's result from a decision (any object with `approved` and maybe `values`). */
export function approvalResult(d: { approved: boolean; values?: Record<string, unknown> | undefined }): ApprovalResult {
  return { approved: d.approved, ...(d.values ? { values: d.values } : {}) };
}
