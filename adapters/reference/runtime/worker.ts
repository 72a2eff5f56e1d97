// The polling worker: claims runnable instances, runs them, renews their leases, stops gracefully.
import { ExecutionContext } from './context.js';
import { runExecution } from './execution.js';
import type { InstanceStore, ClaimedInstance } from './instance-store.js';
import type { StepJournal } from './step-journal.js';
import type { RetryPolicy, RuntimeHooks, Worker, WorkerOptions, WorkflowFn } from './types.js';

export interface WorkerDeps {
  workerId: string;
  store: InstanceStore;
  steps: StepJournal;
  workflows: ReadonlyMap<string, WorkflowFn>;
  hooks: RuntimeHooks;
  retry: RetryPolicy;
  seed: number;
  leaseMs: number;
  onStopped: (worker: PollingWorker) => void;
}

export class PollingWorker implements Worker {
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly active = new Map<string, { ctx: ExecutionContext; done: Promise<void>; lease: { until: number } }>();
  private pollTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private kicked = false;
  private stopping = false;

  constructor(
    private readonly d: WorkerDeps,
    options: WorkerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 50;
    this.concurrency = options.concurrency ?? 32;
  }

  get workerId(): string {
    return this.d.workerId;
  }

  start(): this {
    // A restarted worker need not wait out the leases of a process that is provably gone.
    this.d.store.expireDeadOwners(this.d.workerId, Date.now());
    this.renewTimer = setInterval(() => this.renew(), Math.max(1, Math.floor(this.d.leaseMs / 3)));
    this.tick();
    return this;
  }

  /** Looks for work now instead of at the next poll (new instance, signal, a slot freed). */
  kick(): void {
    if (this.kicked || this.stopping) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      this.tick();
    });
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.pollTimer);
    for (const { ctx } of this.active.values()) ctx.halt('stop');
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
    clearInterval(this.renewTimer);
    this.d.onStopped(this);
  }

  private tick(): void {
    if (this.stopping) return;
    clearTimeout(this.pollTimer);
    try {
      const free = this.concurrency - this.active.size;
      const now = Date.now();
      const claimed = this.d.store.claim(this.d.workerId, [...this.d.workflows.keys()], free, now, this.d.leaseMs);
      for (const instance of claimed) this.launch(instance, { until: now + this.d.leaseMs });
    } catch (error) {
      // SQLITE_BUSY beyond busy_timeout and the like: try again at the next poll.
      process.emitWarning(`ordeal reference runtime: poll failed: ${String(error)}`);
    }
    this.pollTimer = setTimeout(() => this.tick(), this.pollMs);
  }

  private launch(instance: ClaimedInstance, lease: { until: number }): void {
    const fn = this.d.workflows.get(instance.workflow) as WorkflowFn;
    const ctx = new ExecutionContext({
      instanceId: instance.id,
      workflow: instance.workflow,
      owner: this.d.workerId,
      steps: this.d.steps,
      journal: this.d.steps.load(instance.id),
      hooks: this.d.hooks,
      retry: this.d.retry,
      seed: this.d.seed,
      inlineWaitMs: this.d.leaseMs,
      holdsLease: () => this.holdsLease(instance.id, lease),
    });
    const done = runExecution(ctx, fn, instance.input, this.d.store, this.d.workerId)
      .then((end) => (end === 'finished' ? this.d.steps.attempts.forget(instance.id) : this.d.steps.attempts.release(instance.id)))
      .catch((error: unknown) => process.emitWarning(`ordeal reference runtime: execution of ${instance.id} failed: ${String(error)}`))
      .finally(() => {
        this.active.delete(instance.id);
        this.kick();
      });
    this.active.set(instance.id, { ctx, done, lease });
  }

  /**
   * Whether the lease is still ours: yes while the last claim or renewal says so (nobody can take an unexpired lease);
   * once past it (an event loop stalled beyond leaseMs/3), a renewal in the journal decides — as the owner check of a
   * fenced write would.
   */
  private holdsLease(id: string, lease: { until: number }): boolean {
    if (Date.now() < lease.until) return true;
    try {
      return this.renewLeases([id]).has(id);
    } catch {
      return false; // the journal is busy or gone: do not start an attempt we cannot fence
    }
  }

  private renew(): void {
    const ids = [...this.active.keys()];
    if (ids.length === 0) return;
    try {
      const kept = this.renewLeases(ids);
      for (const id of ids) if (!kept.has(id)) this.active.get(id)?.ctx.halt('lease-lost');
    } catch (error) {
      process.emitWarning(`ordeal reference runtime: lease renewal failed: ${String(error)}`);
    }
  }

  /** Extends the leases of `ids` that are still ours, in the journal and in memory; returns those ids. */
  private renewLeases(ids: string[]): Set<string> {
    const until = Date.now() + this.d.leaseMs;
    const kept = this.d.store.renew(this.d.workerId, ids, until);
    for (const id of kept) {
      const a = this.active.get(id);
      if (a) a.lease.until = until;
    }
    return kept;
  }
}
