export type { StepIdentity } from './attributes.js';
export { ATTR, OPERATION, stepAttributes } from './attributes.js';
export type { SpanExport, Tracing, TracingOptions } from './tracing.js';
export {
  SPAN_EXPORTS,
  spanExportOf,
  startTracing,
  startWorkerTracing,
  currentTracing,
  contextFromTraceparent,
  traceparentOf,
} from './tracing.js';
export { tracesUrl, otlpExporters } from './tracing-sdk.js';
export { withSpan, startSpan, agentSpan, chatSpan, toolSpan, replayedStepSpan } from './spans.js';
export type { CaseTelemetryOptions } from './case-telemetry.js';
export { CaseTelemetry } from './case-telemetry.js';
export { deriveMetrics, telemetryMetrics } from './metrics.js';
export type { Timeline, Lane, TimelineEvent, EventKind } from './timeline.js';
export { buildTimeline } from './timeline.js';
export { renderTimeline } from './render-timeline.js';
