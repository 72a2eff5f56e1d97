// Public types of the reference runtime (kept apart so adapters can import them without the SQLite code).

export type SynchronousMode = 'FULL' | 'NORMAL';
export type InstanceStatus = 'pending' | 'running' | 'completed' | 'failed';
export type StepKind = 'step' | 'sleep' | 'signal';

/** Exponential backoff: attempt n waits min(maxMs, initialMs * factor^(n-1)), jittered into [d/2, d]. */
export interface RetryPolicy {
  maxAttempts: number;
  initialMs: number;
  maxMs: number;
  factor: number;
}

export interface StepOptions {
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** What a step function receives; `key` is `${instanceId}:${seq}`, stable across replays and recoveries. */
export interface StepInfo {
  key: string;
  seq: number;
  attempt: number;
  instanceId: string;
  name: string;
  /** Aborted when the attempt times out (the runtime cannot cancel a promise, the step can). */
  signal: AbortSignal;
}

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

export interface StepEvent {
  instanceId: string;
  workflow: string;
  seq: number;
  name: string;
  kind: StepKind;
  key: string;
  attempt: number;
}

export interface StepJournaledEvent extends StepEvent {
  outcome: 'ok' | 'error';
  value?: unknown;
  error?: SerializedError;
}

export interface StepRetryEvent extends StepEvent {
  delayMs: number;
  error: SerializedError;
}

/** Awaited by the runtime: a hook that never resolves holds the workflow exactly there (the harness kills meanwhile). */
export interface RuntimeHooks {
  onStepStart?(event: StepEvent): void | Promise<void>;
  onStepJournaled?(event: StepJournaledEvent): void | Promise<void>;
  onReplay?(event: StepJournaledEvent): void | Promise<void>;
  onStepRetry?(event: StepRetryEvent): void | Promise<void>;
}

export interface RuntimeOptions {
  path: string;
  synchronous?: SynchronousMode;
  workerId?: string;
  leaseMs?: number;
  seed?: number;
  busyTimeoutMs?: number;
  hooks?: RuntimeHooks;
  defaultRetry?: Partial<RetryPolicy>;
  /**
   * Called when an fsync of the journal fails (DurabilityLostError), before the error is thrown to whatever was
   * writing. A worker process should exit here (fail-stop) so that its supervisor restarts it on what the disk holds;
   * without it, the error fails the write, and a run fails with it.
   */
  onDurabilityLost?: (error: Error) => void;
}

export interface WaitForSignalOptions {
  timeoutMs?: number;
}

export interface WorkflowContext {
  readonly instanceId: string;
  readonly workflow: string;
  /** True while the next ctx call will be answered from the journal. */
  readonly replaying: boolean;
  step<T>(name: string, fn: (info: StepInfo) => T | Promise<T>, options?: StepOptions): Promise<T>;
  sleep(ms: number): Promise<void>;
  waitForSignal<T = unknown>(name: string, options?: WaitForSignalOptions): Promise<T>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WorkflowFn<I = any, O = unknown> = (ctx: WorkflowContext, input: I) => Promise<O>;

export interface InstanceState {
  instanceId: string;
  workflow: string;
  status: InstanceStatus;
  input: unknown;
  result?: unknown;
  error?: SerializedError;
  /** How many times a worker claimed the instance (1 + recoveries + resumptions after a wait). */
  attempts: number;
  owner?: string;
  leaseUntil?: number;
  createdAt: number;
  updatedAt: number;
}

export interface JournalEntry {
  seq: number;
  name: string;
  kind: StepKind;
  state: 'started' | 'done' | 'failed';
  /** Last attempt started (persisted before the step function runs). */
  attempt: number;
  value?: unknown;
  error?: SerializedError;
  wakeAt?: number;
}

export interface WorkerOptions {
  pollMs?: number;
  concurrency?: number;
}

export interface Worker {
  readonly workerId: string;
  /** Halts executions at their next ctx call, waits for running step functions, releases leases. */
  stop(): Promise<void>;
}

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
}
