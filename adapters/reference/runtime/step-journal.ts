// Step rows and signals: every row write is fenced (we must still own the instance); results are group-committed.
// Attempt starts are appended lines (AttemptLog), fenced by the caller's lease check before the step function runs.
import { decodeValue, encodeValue } from './codec.js';
import { AttemptLog } from './attempt-log.js';
import { LeaseLostError } from './errors.js';
import type { Db, Durability } from './schema.js';
import type { JournalEntry, SerializedError, StepKind } from './types.js';

interface StepRow {
  seq: number;
  name: string;
  kind: StepKind;
  state: JournalEntry['state'];
  attempt: number;
  value: string | null;
  error: string | null;
  wake_at: number | null;
}

export interface StepWrite {
  instanceId: string;
  owner: string;
  seq: number;
  name: string;
  kind: StepKind;
  attempt: number;
}

interface Pending {
  w: StepWrite;
  /** Runs inside the batch transaction; throws LeaseLostError (writing nothing) when the instance is no longer ours. */
  body: () => unknown;
  /** body is one statement: alone in a batch, it commits by itself (a write statement takes the write lock first, like BEGIN IMMEDIATE). */
  single: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type ItemOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface RowValues {
  state: JournalEntry['state'];
  value: string | null;
  error: string | null;
  wakeAt: number | null;
}

export class StepJournal {
  private readonly s;
  /** One BEGIN IMMEDIATE for a batch; built once (better-sqlite3 wraps each call in its own BEGIN/COMMIT). */
  private readonly batchTx;
  /** A SAVEPOINT around a multi-statement write (consumeSignal): ownership checked, then the writes, or nothing. */
  private readonly fencedTx;
  /** Durable writes waiting for the next group commit (one transaction, one fdatasync for all of them). */
  private queue: Pending[] = [];
  private scheduled = false;
  /**
   * Live steps of this runtime (any instance) whose outcome is not known yet (ExecutionContext counts them). A write
   * queued while none is left has no other step's write to wait for, so it commits once the current microtasks are
   * done instead of at the next setImmediate, which first runs every other I/O callback of the loop turn.
   */
  running = 0;
  readonly attempts: AttemptLog;

  constructor(
    db: Db,
    private readonly durability: Durability,
  ) {
    this.attempts = AttemptLog.for(db);
    this.s = {
      load: db.prepare('SELECT * FROM steps WHERE instance_id = ? ORDER BY seq'),
      owner: db.prepare('SELECT owner FROM instances WHERE id = ?'),
      // Fencing inside the statement: the row is written only while @owner still holds the instance (changes = 0 otherwise).
      // Positional parameters (cheaper to bind than named ones): instance, seq, name, kind, state, attempt, value, error,
      // wake_at, then instance and owner for the fence.
      upsert: db.prepare(
        `INSERT INTO steps (instance_id, seq, name, kind, state, attempt, value, error, wake_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?
         WHERE EXISTS (SELECT 1 FROM instances WHERE id = ? AND owner = ?)
         ON CONFLICT (instance_id, seq) DO UPDATE SET name = excluded.name, kind = excluded.kind, state = excluded.state,
           attempt = excluded.attempt, value = excluded.value, error = excluded.error, wake_at = excluded.wake_at`,
      ),
      nextSignal: db.prepare(`SELECT id, payload FROM signals WHERE instance_id = ? AND name = ? AND consumed_seq IS NULL ORDER BY id LIMIT 1`),
      consume: db.prepare('UPDATE signals SET consumed_seq = ? WHERE id = ?'),
      insertSignal: db.prepare('INSERT INTO signals (instance_id, name, payload, created_at) VALUES (?, ?, ?, ?)'),
    };
    this.batchTx = db.transaction((batch: Pending[]) => batch.map(settle));
    this.fencedTx = db.transaction((w: StepWrite, body: () => unknown) => {
      const row = this.s.owner.get(w.instanceId) as { owner: string | null } | undefined;
      if (row?.owner !== w.owner) throw lost(w);
      return body();
    });
  }

  close(): void {
    this.flush(); // nothing queued may be lost by closing (stopped workers leave the queue empty anyway)
    this.attempts.close();
  }

  /** The journaled rows, and for a step that has none yet (or only a `started` one) its latest recorded attempt. */
  load(instanceId: string): Map<number, JournalEntry> {
    const entries = new Map<number, JournalEntry>();
    for (const row of this.s.load.all(instanceId) as StepRow[]) entries.set(row.seq, toEntry(row));
    for (const start of this.attempts.read(instanceId)) {
      const entry = entries.get(start.seq);
      if (entry === undefined)
        entries.set(start.seq, { seq: start.seq, name: start.name, kind: start.kind, state: 'started', attempt: start.attempt });
      else if (entry.state === 'started' && start.attempt > entry.attempt) entry.attempt = start.attempt;
    }
    return new Map([...entries].sort((a, b) => a[0] - b[0]));
  }

  /**
   * Records "attempt n started" before the step function runs: an appended line, not a row (see AttemptLog). The
   * caller has checked that it still holds the lease (fencing); only results and failures need SQLite's fenced writes.
   */
  startAttempt(w: StepWrite): void {
    this.attempts.record(w.instanceId, { seq: w.seq, attempt: w.attempt, kind: w.kind, name: w.name });
  }

  /** `encoded`: the result as encodeValue() wrote it (the caller decodes the same text, so live and replay agree). */
  recordResult(w: StepWrite, encoded: string | null): Promise<void> {
    return this.write(w, { state: 'done', value: encoded, error: null, wakeAt: null });
  }

  recordFailure(w: StepWrite, error: SerializedError): Promise<void> {
    return this.write(w, { state: 'failed', value: null, error: JSON.stringify(error), wakeAt: null });
  }

  /** A durable timer is a done row whose wake_at is the journaled wake-up time. */
  recordSleep(w: StepWrite, wakeAt: number): Promise<void> {
    return this.write(w, { state: 'done', value: null, error: null, wakeAt });
  }

  /** Journals a signal wait's deadline (durable: it must survive a power loss too, like a timer). */
  recordWaitDeadline(w: StepWrite, deadline: number): Promise<void> {
    return this.write(w, { state: 'started', value: null, error: null, wakeAt: deadline });
  }

  /** Consumes the oldest pending signal `name` into the step row, atomically; undefined when none is there. */
  consumeSignal(w: StepWrite): Promise<{ payload: unknown } | undefined> {
    return this.enqueue(
      w,
      false,
      () =>
        this.fencedTx(w, () => {
          const signal = this.s.nextSignal.get(w.instanceId, w.name) as { id: number; payload: string | null } | undefined;
          if (signal === undefined) return undefined;
          this.s.consume.run(w.seq, signal.id);
          this.upsert(w, { state: 'done', value: signal.payload, error: null, wakeAt: null });
          return { payload: decodeValue(signal.payload) };
        }) as { payload: unknown } | undefined,
    );
  }

  insertSignal(instanceId: string, name: string, payload: unknown, now: number): void {
    this.s.insertSignal.run(instanceId, name, encodeValue(payload), now);
  }

  private write(w: StepWrite, row: RowValues): Promise<void> {
    return this.enqueue(w, true, () => this.upsert(w, row));
  }

  /** One fenced statement: writes the row, or nothing and throws LeaseLostError when the lease was taken. */
  private upsert(w: StepWrite, row: RowValues): void {
    const { instanceId, owner, seq, name, kind, attempt } = w;
    const { state, value, error, wakeAt } = row;
    if (this.s.upsert.run(instanceId, seq, name, kind, state, attempt, value, error, wakeAt, instanceId, owner).changes === 0) throw lost(w);
  }

  /**
   * Group commit: a durable write joins the queue, and the queue is committed at the next setImmediate, after the
   * I/O callbacks and microtasks of this loop turn (no timer). Every write that arrived meanwhile (several steps of one
   * instance, or of several) shares one transaction and one fdatasync. A write queued while no other live step of the
   * runtime is still running has nothing to wait for: it commits once the current microtasks are done (a lone step
   * waits for nothing but its own commit, not for unrelated I/O callbacks). Either way each promise settles only after
   * that fdatasync: no caller sees a result that is not on disk.
   */
  private enqueue<T>(w: StepWrite, single: boolean, body: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ w, body, single, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      if (this.running === 0) queueMicrotask(() => this.flush());
      else setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.commitBatch(batch, (commit) => this.durability.commit(commit));
  }

  /**
   * One BEGIN IMMEDIATE for the batch (a lone single-statement write commits by itself). Each write is fenced by itself
   * (one statement, or a savepoint for a multi-statement write), so a lost lease fails only that write.
   */
  private commitBatch(batch: Pending[], wrap: (commit: () => ItemOutcome[]) => ItemOutcome[]): void {
    let outcomes: ItemOutcome[];
    try {
      const only = batch.length === 1 ? batch[0] : undefined;
      outcomes = wrap(() => (only?.single ? [settle(only)] : this.batchTx.immediate(batch)));
    } catch (error) {
      for (const p of batch) p.reject(error); // nothing of the batch was committed (or it is not known to be on disk)
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i] as ItemOutcome;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}

function settle(p: Pending): ItemOutcome {
  try {
    return { ok: true, value: p.body() };
  } catch (error) {
    return { ok: false, error };
  }
}

function lost(w: StepWrite): LeaseLostError {
  return new LeaseLostError(`instance ${w.instanceId} is no longer owned by ${w.owner}`);
}

function toEntry(row: StepRow): JournalEntry {
  const entry: JournalEntry = { seq: row.seq, name: row.name, kind: row.kind, state: row.state, attempt: row.attempt };
  if (row.value !== null) entry.value = decodeValue(row.value);
  if (row.error !== null) entry.error = JSON.parse(row.error) as SerializedError;
  if (row.wake_at !== null) entry.wakeAt = row.wake_at;
  return entry;
}
