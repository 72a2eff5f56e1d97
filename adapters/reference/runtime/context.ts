// The workflow context of one execution: deterministic replay of steps, durable timers and signal waits.
import { decodeValue, encodeValue, reviveError, serializeError } from './codec.js';
import {
  LeaseLostError,
  NonDeterminismError,
  RetryableError,
  SignalTimeoutError,
  StepFailedError,
  StepTimeoutError,
  TerminalError,
} from './errors.js';
import { backoffDelay, jitterFor } from './prng.js';
import type { StepJournal, StepWrite } from './step-journal.js';
import type {
  JournalEntry,
  RetryPolicy,
  RuntimeHooks,
  StepEvent,
  StepInfo,
  StepKind,
  StepOptions,
  WaitForSignalOptions,
  WorkflowContext,
} from './types.js';

/** Internal: unwinds a halted execution; never reaches workflow code. One shared instance, told apart by identity. */
class Abandoned extends Error {
  override name = 'Abandoned';
}
export const ABANDONED: Error = new Abandoned('execution abandoned');
const NEVER = new Promise<never>(() => undefined);
/** The `info.signal` of a step without a timeout: nothing aborts it, so one is shared instead of one per attempt. */
const UNABORTED = new AbortController().signal;

export type HaltReason = 'suspend' | 'stop' | 'lease-lost' | 'fatal';
const PRIORITY: Record<HaltReason, number> = { suspend: 0, stop: 1, 'lease-lost': 2, fatal: 3 };

export interface ContextDeps {
  instanceId: string;
  workflow: string;
  owner: string;
  steps: StepJournal;
  journal: Map<number, JournalEntry>;
  hooks: RuntimeHooks;
  retry: RetryPolicy;
  seed: number;
  /** Timers shorter than this wait in memory; longer ones suspend the instance. */
  inlineWaitMs: number;
  /** True while this execution's lease is ours (checked before every step attempt starts). */
  holdsLease: () => boolean;
}

export class ExecutionContext implements WorkflowContext {
  halted: HaltReason | undefined;
  fatalError: Error | undefined;
  readyAt = Number.MAX_SAFE_INTEGER;
  readonly waiting = new Set<string>();
  readonly haltPromise: Promise<void>;
  private resolveHalt!: () => void;
  private seq = 0;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; reject: (reason: unknown) => void }>();

  constructor(private readonly d: ContextDeps) {
    this.haltPromise = new Promise((resolve) => (this.resolveHalt = resolve));
  }

  get instanceId(): string {
    return this.d.instanceId;
  }
  get workflow(): string {
    return this.d.workflow;
  }
  get replaying(): boolean {
    const entry = this.d.journal.get(this.seq);
    return entry !== undefined && entry.state !== 'started';
  }

  step<T>(name: string, fn: (info: StepInfo) => T | Promise<T>, options?: StepOptions): Promise<T> {
    return this.guard(() => this.runStep(this.seq++, name, fn, options));
  }

  sleep(ms: number): Promise<void> {
    return this.guard(() => this.runSleep(this.seq++, ms));
  }

  waitForSignal<T = unknown>(name: string, options?: WaitForSignalOptions): Promise<T> {
    return this.guard(() => this.runWait(this.seq++, name, options?.timeoutMs) as Promise<T>);
  }

  /** Stops the execution at its next ctx call; pending in-memory timers unwind. */
  halt(reason: HaltReason): void {
    if (this.halted === undefined || PRIORITY[reason] > PRIORITY[this.halted]) this.halted = reason;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.reject(ABANDONED);
    }
    this.timers.clear();
    this.resolveHalt();
  }

  /** Waits until no step function of this execution is running (their results still get journaled). */
  async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private guard<T>(body: () => Promise<T>): Promise<T> {
    if (this.halted !== undefined) return NEVER;
    const run = body();
    this.inflight.add(run);
    run.then(
      () => this.inflight.delete(run),
      () => this.inflight.delete(run),
    );
    // Halting hides itself from workflow code: the call simply never returns, so try/catch cannot resume a dead run.
    return run.catch((error: unknown) => {
      if (error === ABANDONED) return NEVER;
      throw error;
    });
  }

  private async runStep<T>(seq: number, name: string, fn: (info: StepInfo) => T | Promise<T>, options?: StepOptions): Promise<T> {
    const entry = this.expect(seq, name, 'step');
    if (entry !== undefined && entry.state !== 'started') return this.replay(entry) as Promise<T>;
    const policy: RetryPolicy = options?.retry ? { ...this.d.retry, ...options.retry } : this.d.retry;
    const key = `${this.d.instanceId}:${seq}`;
    for (let attempt = (entry?.attempt ?? 0) + 1; ; attempt++) {
      if (this.halted !== undefined) throw ABANDONED; // no new attempt once the execution is halting
      const w = this.write(seq, name, 'step', attempt);
      if (attempt > policy.maxAttempts) {
        // Only after crashes: interrupted attempts count, as a start-to-close timeout does in Temporal.
        return this.fail(w, new StepFailedError(`step '${name}' used its ${policy.maxAttempts} attempts (the last ones were interrupted)`));
      }
      // Fencing before the function runs: a worker that no longer holds the lease halts without starting the attempt.
      if (!this.d.holdsLease()) {
        this.halt('lease-lost');
        throw ABANDONED;
      }
      this.journal(() => this.d.steps.startAttempt(w));
      let value: T;
      try {
        // Counted from here until its outcome is known: a write queued meanwhile by another step waits for this one's (group commit).
        this.d.steps.running++;
        try {
          if (this.d.hooks.onStepStart) await this.hook('onStepStart', this.event(w)); // no event, no await when unhooked (never throws)
          value = await this.attempt(fn, { key, seq, attempt, instanceId: this.d.instanceId, name }, options?.timeoutMs);
        } finally {
          this.d.steps.running--;
        }
      } catch (error) {
        if (error === ABANDONED) throw error;
        if (error instanceof TerminalError || attempt >= policy.maxAttempts) return this.fail(w, error);
        const hint = error instanceof RetryableError ? error.retryAfterMs : undefined;
        const delayMs = hint ?? backoffDelay(policy, attempt, jitterFor(this.d.seed, key, attempt));
        await this.hook('onStepRetry', { ...this.event(w), delayMs, error: serializeError(error) });
        await this.delay(delayMs);
        continue;
      }
      const encoded = encodeValue(value);
      const journaled = decodeValue(encoded) as T;
      await this.durable(() => this.d.steps.recordResult(w, encoded));
      if (this.d.hooks.onStepJournaled) await this.hook('onStepJournaled', { ...this.event(w), outcome: 'ok', value: journaled });
      return journaled;
    }
  }

  private async runSleep(seq: number, ms: number): Promise<void> {
    const entry = this.expect(seq, 'sleep', 'sleep');
    let wakeAt = entry?.wakeAt;
    if (wakeAt === undefined) {
      wakeAt = Date.now() + Math.max(0, ms);
      const w = this.write(seq, 'sleep', 'sleep', 1);
      await this.durable(() => this.d.steps.recordSleep(w, wakeAt as number));
      await this.hook('onStepJournaled', { ...this.event(w), outcome: 'ok' });
    }
    await this.until(wakeAt);
    if (entry !== undefined) await this.hook('onReplay', { ...this.event(this.write(seq, 'sleep', 'sleep', 1)), outcome: 'ok' });
  }

  private async runWait(seq: number, name: string, timeoutMs: number | undefined): Promise<unknown> {
    const entry = this.expect(seq, name, 'signal');
    if (entry !== undefined && entry.state !== 'started') return this.replay(entry);
    const w = this.write(seq, name, 'signal', 1);
    let deadline = entry?.wakeAt;
    if (deadline === undefined && timeoutMs !== undefined) {
      deadline = Date.now() + Math.max(0, timeoutMs);
      await this.durable(() => this.d.steps.recordWaitDeadline(w, deadline as number));
    }
    const got = await this.durable(() => this.d.steps.consumeSignal(w));
    if (got !== undefined) {
      await this.hook('onStepJournaled', { ...this.event(w), outcome: 'ok', value: got.payload });
      return got.payload;
    }
    if (deadline !== undefined && Date.now() >= deadline) {
      return this.fail(w, new SignalTimeoutError(`no signal '${name}' within ${timeoutMs ?? 'the journaled'} ms`));
    }
    this.waiting.add(name);
    this.suspend(deadline ?? Number.MAX_SAFE_INTEGER);
  }

  /** Journaled result or error, returned without running anything. */
  private async replay(entry: JournalEntry): Promise<unknown> {
    const event = this.event(this.write(entry.seq, entry.name, entry.kind, entry.attempt));
    if (entry.state === 'failed') {
      await this.hook('onReplay', { ...event, outcome: 'error', ...(entry.error ? { error: entry.error } : {}) });
      throw reviveError(entry.error ?? { name: 'Error', message: 'unknown journaled error' });
    }
    await this.hook('onReplay', { ...event, outcome: 'ok', value: entry.value });
    return entry.value;
  }

  private async fail(w: StepWrite, error: unknown): Promise<never> {
    const serialized = serializeError(error);
    await this.durable(() => this.d.steps.recordFailure(w, serialized));
    await this.hook('onStepJournaled', { ...this.event(w), outcome: 'error', error: serialized });
    throw reviveError(serialized, error);
  }

  /** Same call at the same seq as the journal says, or the run is not deterministic and must stop. */
  private expect(seq: number, name: string, kind: StepKind): JournalEntry | undefined {
    const entry = this.d.journal.get(seq);
    if (entry === undefined || (entry.name === name && entry.kind === kind)) return entry;
    this.fatalError = new NonDeterminismError(
      `instance ${this.d.instanceId}: at seq ${seq} the journal has ${entry.kind} '${entry.name}' but the workflow asked for ${kind} '${name}'`,
    );
    this.halt('fatal');
    throw ABANDONED;
  }

  private attempt<T>(fn: (info: StepInfo) => T | Promise<T>, base: Omit<StepInfo, 'signal'>, timeoutMs?: number): Promise<T> {
    if (timeoutMs === undefined) return this.untimed(fn, base);
    return new Promise<T>((resolve, reject) => {
      // The AbortController is made only when the step function reads info.signal (most never do): making one per
      // attempt was a measurable part of a fast step. A signal first read after the timeout fired is already aborted.
      let controller: AbortController | undefined;
      let timedOut: StepTimeoutError | undefined;
      const info: StepInfo = {
        ...base,
        get signal(): AbortSignal {
          if (controller === undefined) {
            controller = new AbortController();
            if (timedOut !== undefined) controller.abort(timedOut);
          }
          return controller.signal;
        },
      };
      const timer = setTimeout(() => {
        timedOut = new StepTimeoutError(`step '${base.name}' attempt ${base.attempt} timed out after ${timeoutMs} ms`);
        controller?.abort(timedOut);
        reject(timedOut); // the abandoned attempt may settle later; nobody listens any more
      }, timeoutMs);
      const run = Promise.resolve().then(() => fn(info));
      run.then(
        () => clearTimeout(timer),
        () => clearTimeout(timer),
      );
      run.then(resolve, reject);
    });
  }

  private async untimed<T>(fn: (info: StepInfo) => T | Promise<T>, base: Omit<StepInfo, 'signal'>): Promise<T> {
    return fn({ ...base, signal: UNABORTED });
  }

  /** Waits for wall-clock `wakeAt`: in memory when short, otherwise by giving the instance back until then. */
  private async until(wakeAt: number): Promise<void> {
    const remaining = wakeAt - Date.now();
    if (remaining <= 0) return;
    if (remaining <= this.d.inlineWaitMs) return this.delay(remaining);
    this.suspend(wakeAt);
  }

  private suspend(readyAt: number): never {
    this.readyAt = Math.min(this.readyAt, readyAt);
    this.halt('suspend');
    throw ABANDONED;
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.halted !== undefined) return reject(ABANDONED);
      const entry = { timer: setTimeout(() => (this.timers.delete(entry), resolve()), ms), reject };
      this.timers.add(entry);
    });
  }

  /** Runs a journal write; losing the lease turns into a silent halt (fencing). */
  private journal<T>(write: () => T): T {
    if (this.halted === 'lease-lost' || this.halted === 'fatal') throw ABANDONED;
    try {
      return write();
    } catch (error) {
      throw this.fenceError(error);
    }
  }

  /** A durable (group-committed) journal write: settles once its row is on disk. */
  private async durable<T>(write: () => Promise<T>): Promise<T> {
    if (this.halted === 'lease-lost' || this.halted === 'fatal') throw ABANDONED;
    try {
      return await write();
    } catch (error) {
      throw this.fenceError(error);
    }
  }

  private fenceError(error: unknown): unknown {
    if (!(error instanceof LeaseLostError)) return error;
    this.halt('lease-lost');
    return ABANDONED;
  }

  private write(seq: number, name: string, kind: StepKind, attempt: number): StepWrite {
    return { instanceId: this.d.instanceId, owner: this.d.owner, seq, name, kind, attempt };
  }

  private event(w: StepWrite): StepEvent {
    return {
      instanceId: w.instanceId,
      workflow: this.d.workflow,
      seq: w.seq,
      name: w.name,
      kind: w.kind,
      key: `${w.instanceId}:${w.seq}`,
      attempt: w.attempt,
    };
  }

  private async hook<K extends keyof RuntimeHooks>(name: K, event: Parameters<NonNullable<RuntimeHooks[K]>>[0]): Promise<void> {
    const hook = this.d.hooks[name] as ((e: typeof event) => void | Promise<void>) | undefined;
    if (hook === undefined) return;
    try {
      await hook(event);
    } catch (error) {
      // A failing probe must not change the workflow's behaviour; say so once per failure.
      process.emitWarning(`ordeal reference runtime: hook ${name} failed: ${String(error)}`);
    }
  }
}
