/** Client side: the case's trace context in Temporal's tracing header, so the workflow's spans join the case's one trace. */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { contextFromTraceparent, traceparentOf } from '../../harness/telemetry/index.js';

/** The header `@temporalio/interceptors-opentelemetry` reads in the workflow (its `TRACE_HEADER`): a payload of a W3C text map. */
export const TRACE_HEADER = '_tracer-data';

/** `{ _tracer-data: {traceparent} }` for the case's context, or nothing when the case has no valid one. */
export function caseTraceHeaders(traceparent: string | undefined): Record<string, Payload> {
  // parsed and re-written: a malformed TRACEPARENT yields no header rather than a broken parent
  const tp = traceparentOf(contextFromTraceparent(traceparent));
  return tp ? { [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent: tp }) } : {};
}

/**
 * Adds the case's context to the workflow start and to signals: `RunWorkflow` and `HandleSignal` become children
 * of the case's root span. No client span of its own: the orchestrator exports only spans tagged with a run id.
 */
export function caseTraceInterceptor(traceparent: string | undefined): WorkflowClientInterceptor {
  const headers = caseTraceHeaders(traceparent);
  return {
    startWithDetails: (input, next) => next({ ...input, headers: { ...input.headers, ...headers } }),
    signal: (input, next) => next({ ...input, headers: { ...input.headers, ...headers } }),
  };
}
