// Public names of the reference durable runtime.
export { openRuntime } from './runtime.js';
export type { Runtime } from './runtime.js';
export {
  RuntimeError,
  TerminalError,
  NonDeterminismError,
  StepTimeoutError,
  SignalTimeoutError,
  LeaseLostError,
  StepFailedError,
  RetryableError,
  DurabilityLostError,
} from './errors.js';
export { backoffDelay, createPrng, jitterFor, DEFAULT_RETRY } from './prng.js';
export type {
  InstanceState,
  InstanceStatus,
  JournalEntry,
  RetryPolicy,
  RuntimeHooks,
  RuntimeOptions,
  SerializedError,
  StepEvent,
  StepInfo,
  StepJournaledEvent,
  StepKind,
  StepOptions,
  StepRetryEvent,
  SynchronousMode,
  WaitForSignalOptions,
  WaitOptions,
  Worker,
  WorkerOptions,
  WorkflowContext,
  WorkflowFn,
} from './types.js';
