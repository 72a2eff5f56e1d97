/** Span helpers for workers: `invoke_agent`, `chat` and `execute_tool` spans with ordeal's durability attributes. */
import { context, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { ATTR, OPERATION, stepAttributes, type StepIdentity } from './attributes.js';
import { currentTracing } from './tracing.js';

/** The active span's context, or the case's context (from TRACEPARENT) outside any span. */
function parentContext(): Context {
  const ctx = context.active();
  if (trace.getSpan(ctx)) return ctx;
  return currentTracing()?.caseContext ?? ctx;
}

function baseAttributes(): Attributes {
  const runId = currentTracing()?.runId;
  return runId ? { [ATTR.runId]: runId } : {};
}

/** Runs `fn` inside a new active span; a throw marks the span as an error and is rethrown. */
export async function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T> | T): Promise<T> {
  const tracer = currentTracing()?.tracer ?? trace.getTracer('ordeal');
  const span = tracer.startSpan(name, { attributes: { ...baseAttributes(), ...attributes } }, parentContext());
  try {
    return await context.with(trace.setSpan(parentContext(), span), () => fn(span));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    span.recordException(err);
    span.setAttribute('error.type', err.name); // flattened spans keep attributes, not status
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    throw e;
  } finally {
    if (span.isRecording()) span.end(); // the body may have ended it early (a stretch that suspends)
  }
}

/** Starts a span the caller ends (for stretches that do not fit one callback). */
export function startSpan(name: string, attributes: Attributes): Span {
  const tracer = currentTracing()?.tracer ?? trace.getTracer('ordeal');
  return tracer.startSpan(name, { attributes: { ...baseAttributes(), ...attributes } }, parentContext());
}

/** `invoke_agent {agent}`: one stretch of the agent loop in this process. */
export function agentSpan<T>(agent: string, fn: (span: Span) => Promise<T>, attributes: Attributes = {}): Promise<T> {
  return withSpan(`${OPERATION.agent} ${agent}`, { [ATTR.operation]: OPERATION.agent, [ATTR.agentName]: agent, ...attributes }, fn);
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** `chat {model}`: one model call of one step attempt; token usage is read from an OpenAI-style `usage` in the result. */
export function chatSpan<T>(model: string, step: StepIdentity, fn: () => Promise<T>): Promise<T> {
  return withSpan(`${OPERATION.chat} ${model}`, { [ATTR.operation]: OPERATION.chat, [ATTR.model]: model, ...stepAttributes(step) }, async (span) => {
    const result = await fn();
    const usage = (result as { usage?: Usage } | undefined)?.usage;
    if (usage?.prompt_tokens !== undefined) span.setAttribute(ATTR.inputTokens, usage.prompt_tokens);
    if (usage?.completion_tokens !== undefined) span.setAttribute(ATTR.outputTokens, usage.completion_tokens);
    return result;
  });
}

/** `execute_tool {tool}`: one tool call of one step attempt. */
export function toolSpan<T>(tool: string, callId: string | undefined, step: StepIdentity, fn: () => Promise<T>): Promise<T> {
  return withSpan(
    `${OPERATION.tool} ${tool}`,
    { [ATTR.operation]: OPERATION.tool, [ATTR.toolName]: tool, ...(callId ? { [ATTR.toolCallId]: callId } : {}), ...stepAttributes(step) },
    () => fn(),
  );
}

/** A zero-length span for a step answered from the journal: nothing ran, and the trace says so. */
export function replayedStepSpan(name: string, step: StepIdentity, attributes: Attributes = {}): void {
  startSpan(name, { ...attributes, ...stepAttributes({ ...step, replayed: true }) }).end();
}
