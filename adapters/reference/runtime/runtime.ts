// openRuntime: the public entry point tying the journal, the workflow registry and workers together.
import { randomUUID } from 'node:crypto';
import { InstanceStore } from './instance-store.js';
import { HOST } from './liveness.js';
import { DEFAULT_RETRY } from './prng.js';
import { Durability, openDatabase, type Db } from './schema.js';
import { StepJournal } from './step-journal.js';
import type { InstanceState, JournalEntry, RuntimeOptions, WaitOptions, Worker, WorkerOptions, WorkflowFn } from './types.js';
import { PollingWorker } from './worker.js';

export interface Runtime {
  readonly workerId: string;
  register(name: string, fn: WorkflowFn): Runtime;
  start(instanceId: string, workflow: string, input: unknown): void;
  signal(instanceId: string, name: string, payload?: unknown): void;
  status(instanceId: string): InstanceState | undefined;
  journal(instanceId: string): JournalEntry[];
  wait(instanceId: string, options?: WaitOptions): Promise<InstanceState>;
  runWorker(options?: WorkerOptions): Worker;
  close(): void;
}

class ReferenceRuntime implements Runtime {
  readonly workerId: string;
  private readonly db: Db;
  private readonly store: InstanceStore;
  private readonly steps: StepJournal;
  private readonly durability: Durability;
  private readonly workflows = new Map<string, WorkflowFn>();
  private readonly workers = new Set<PollingWorker>();

  constructor(private readonly options: RuntimeOptions) {
    const synchronous = options.synchronous ?? 'FULL';
    this.db = openDatabase(options.path, synchronous, options.busyTimeoutMs ?? 10_000);
    this.durability = Durability.for(this.db, synchronous, options.onDurabilityLost);
    this.store = new InstanceStore(this.db, this.durability);
    this.steps = new StepJournal(this.db, this.durability);
    this.workerId = options.workerId ?? `${HOST}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  register(name: string, fn: WorkflowFn): Runtime {
    if (this.workflows.has(name)) throw new Error(`workflow '${name}' is already registered`);
    this.workflows.set(name, fn);
    return this;
  }

  start(instanceId: string, workflow: string, input: unknown): void {
    if (this.store.create(instanceId, workflow, input, Date.now())) this.kickWorkers();
  }

  signal(instanceId: string, name: string, payload?: unknown): void {
    this.durability.acknowledge(() =>
      this.db
        .transaction(() => {
          this.steps.insertSignal(instanceId, name, payload, Date.now());
          this.store.wake(instanceId);
        })
        .immediate(),
    );
    this.kickWorkers();
  }

  status(instanceId: string): InstanceState | undefined {
    return this.store.get(instanceId);
  }

  journal(instanceId: string): JournalEntry[] {
    return [...this.steps.load(instanceId).values()];
  }

  async wait(instanceId: string, options: WaitOptions = {}): Promise<InstanceState> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const state = this.store.get(instanceId);
      if (state?.status === 'completed' || state?.status === 'failed') return state;
      if (Date.now() >= deadline) throw new Error(`instance ${instanceId} not finished in time (status ${state?.status ?? 'unknown'})`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
    }
  }

  runWorker(options: WorkerOptions = {}): Worker {
    const worker = new PollingWorker(
      {
        workerId: this.workerId,
        store: this.store,
        steps: this.steps,
        workflows: this.workflows,
        hooks: this.options.hooks ?? {},
        retry: { ...DEFAULT_RETRY, ...this.options.defaultRetry },
        seed: this.options.seed ?? 0,
        leaseMs: this.options.leaseMs ?? 5_000,
        onStopped: (w) => this.workers.delete(w),
      },
      options,
    );
    this.workers.add(worker);
    return worker.start();
  }

  close(): void {
    if (this.workers.size > 0) throw new Error('stop every worker (await worker.stop()) before close()');
    this.steps.close();
    this.durability.close();
    this.db.close();
  }

  private kickWorkers(): void {
    for (const worker of this.workers) worker.kick();
  }
}

/** Opens (or creates) the journal at `options.path`; several processes may open the same file. */
export function openRuntime(options: RuntimeOptions): Runtime {
  return new ReferenceRuntime(options);
}
