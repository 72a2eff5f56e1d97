// Error classes of the reference runtime; every class has a stable `code` so journals and reports can match on it.

/** Base class: all runtime errors carry a stable code like 'REF-101'. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
  readonly code: string = 'REF-100';
}

/** Thrown by a step to say "do not retry": journaled and rethrown on every replay. */
export class TerminalError extends RuntimeError {
  override name = 'TerminalError';
  override readonly code: string = 'REF-101';
}

/** The workflow asked for a different step at a journaled seq: replay cannot be trusted, the instance fails. */
export class NonDeterminismError extends RuntimeError {
  override name = 'NonDeterminismError';
  override readonly code: string = 'REF-102';
}

/** One attempt of a step exceeded its `timeoutMs`; counts as a failed (retryable) attempt. */
export class StepTimeoutError extends RuntimeError {
  override name = 'StepTimeoutError';
  override readonly code: string = 'REF-103';
}

/** `waitForSignal` reached its journaled deadline without a signal. */
export class SignalTimeoutError extends RuntimeError {
  override name = 'SignalTimeoutError';
  override readonly code: string = 'REF-104';
}

/** Another worker owns the instance now; the loser must stop writing (fencing). */
export class LeaseLostError extends RuntimeError {
  override name = 'LeaseLostError';
  override readonly code: string = 'REF-105';
}

/** A step failed for good after its retries (or crashed attempts) ran out; `originalName` keeps the thrown error's name. */
export class StepFailedError extends RuntimeError {
  override name = 'StepFailedError';
  override readonly code: string = 'REF-106';
  constructor(
    message: string,
    readonly originalName = 'Error',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Thrown by a step to say "retry, but not before `retryAfterMs`": the delay replaces the policy's backoff for that attempt (a server's retry-after). */
export class RetryableError extends RuntimeError {
  override name = 'RetryableError';
  override readonly code: string = 'REF-107';
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    const ms = options?.retryAfterMs;
    this.retryAfterMs = ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  }
}

/**
 * An fsync of the journal failed (EIO). What was committed since the last good sync may never reach the disk, and the
 * kernel may already have dropped the pages it could not write, so this process can no longer tell what is durable: it
 * must stop writing (fail-stop) and be restarted, to recover from what the disk holds, as PostgreSQL does after a failed
 * fsync. Retrying the fsync would succeed and lie. Never journaled: it ends the process, not the instance.
 */
export class DurabilityLostError extends RuntimeError {
  override name = 'DurabilityLostError';
  override readonly code: string = 'REF-108';
}

/** Building blocks for reviving a journaled error with its original class. */
export const errorClassesByCode: Readonly<Record<string, new (message: string, options?: ErrorOptions) => RuntimeError>> = {
  'REF-101': TerminalError,
  'REF-102': NonDeterminismError,
  'REF-103': StepTimeoutError,
  'REF-104': SignalTimeoutError,
  'REF-105': LeaseLostError,
  // REF-107 (RetryableError) is absent on purpose: once its retries ran out it fails like any error, as StepFailedError
};
