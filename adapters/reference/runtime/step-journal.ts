// Step rows and signals: every write is fenced (we must still own the instance); results are group-committed.
import { decodeValue, encodeValue } from './codec.js';
import { LeaseLostError } from './errors.js';
import { WalSync, type Db } from './schema.js';
import type { JournalEntry, SerializedError, StepKind, SynchronousMode } from './types.js';

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
  body: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type ItemOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class StepJournal {
  private readonly s;
  /** FULL through an explicit fdatasync of the WAL after the commit (see durable()); undefined in NORMAL mode. */
  private readonly wal: WalSync | undefined;
  /** Durable writes waiting for the next group commit (one transaction, one fdatasync for all of them). */
  private queue: Pending[] = [];
  private scheduled = false;
  /** "Attempt started" rows waiting for their (unsynced) commit at the end of this microtask run. */
  private starts: Pending[] = [];

  constructor(
    private readonly db: Db,
    private readonly synchronous: SynchronousMode,
  ) {
    this.s = {
      load: db.prepare('SELECT * FROM steps WHERE instance_id = ? ORDER BY seq'),
      owner: db.prepare('SELECT owner FROM instances WHERE id = ?'),
      upsert: db.prepare(
        `INSERT INTO steps (instance_id, seq, name, kind, state, attempt, value, error, wake_at)
         VALUES (@instanceId, @seq, @name, @kind, @state, @attempt, @value, @error, @wakeAt)
         ON CONFLICT (instance_id, seq) DO UPDATE SET name = excluded.name, kind = excluded.kind, state = excluded.state,
           attempt = excluded.attempt, value = excluded.value, error = excluded.error, wake_at = excluded.wake_at`,
      ),
      nextSignal: db.prepare(
        `SELECT id, payload FROM signals WHERE instance_id = ? AND name = ? AND consumed_seq IS NULL ORDER BY id LIMIT 1`,
      ),
      consume: db.prepare('UPDATE signals SET consumed_seq = ? WHERE id = ?'),
      insertSignal: db.prepare('INSERT INTO signals (instance_id, name, payload, created_at) VALUES (?, ?, ?, ?)'),
      relaxed: db.prepare('PRAGMA synchronous = NORMAL'),
      strict: db.prepare(`PRAGMA synchronous = ${synchronous}`),
    };
    this.wal = synchronous === 'FULL' ? WalSync.open(db) : undefined;
  }

  close(): void {
    this.flushStarts(); // nothing queued may be lost by closing (stopped workers leave the queues empty anyway)
    this.flush();
    this.wal?.close();
  }

  load(instanceId: string): Map<number, JournalEntry> {
    const entries = new Map<number, JournalEntry>();
    for (const row of this.s.load.all(instanceId) as StepRow[]) entries.set(row.seq, toEntry(row));
    return entries;
  }

  /**
   * Persists "attempt n started" without an fsync of its own; resolves once committed, before the step function
   * runs. Safe because in WAL mode the frame reaches the OS at commit (a SIGKILL cannot lose it) and the next FULL
   * commit fsyncs the whole WAL, this frame included; only a power loss before that commit can forget the attempt,
   * never a journaled result. Steps started together (one synchronous run, e.g. Promise.all) share one commit.
   */
  startAttempt(w: StepWrite, wakeAt: number | null = null): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.starts.push({ w, body: () => void this.s.upsert.run({ ...w, state: 'started', value: null, error: null, wakeAt }), resolve: resolve as (value: unknown) => void, reject });
      if (this.starts.length === 1) queueMicrotask(() => this.flushStarts());
    });
  }

  private flushStarts(): void {
    const batch = this.starts;
    if (batch.length === 0) return;
    this.starts = [];
    this.s.relaxed.run();
    try {
      this.commitBatch(batch, (commit) => commit());
    } finally {
      this.s.strict.run();
    }
  }

  recordResult(w: StepWrite, value: unknown): Promise<void> {
    return this.write(w, 'done', encodeValue(value), null, null);
  }

  recordFailure(w: StepWrite, error: SerializedError): Promise<void> {
    return this.write(w, 'failed', null, JSON.stringify(error), null);
  }

  /** A durable timer is a done row whose wake_at is the journaled wake-up time. */
  recordSleep(w: StepWrite, wakeAt: number): Promise<void> {
    return this.write(w, 'done', null, null, wakeAt);
  }

  /** Journals a signal wait's deadline (FULL: it must survive a power loss too, like a timer). */
  recordWaitDeadline(w: StepWrite, deadline: number): Promise<void> {
    return this.write(w, 'started', null, null, deadline);
  }

  /** Consumes the oldest pending signal `name` into the step row, atomically; undefined when none is there. */
  consumeSignal(w: StepWrite): Promise<{ payload: unknown } | undefined> {
    return this.enqueue(w, () => {
      const signal = this.s.nextSignal.get(w.instanceId, w.name) as { id: number; payload: string | null } | undefined;
      if (signal === undefined) return undefined;
      this.s.consume.run(w.seq, signal.id);
      this.s.upsert.run({ ...w, state: 'done', value: signal.payload, error: null, wakeAt: null });
      return { payload: decodeValue(signal.payload) };
    });
  }

  insertSignal(instanceId: string, name: string, payload: unknown, now: number): void {
    this.s.insertSignal.run(instanceId, name, encodeValue(payload), now);
  }

  private write(w: StepWrite, state: JournalEntry['state'], value: string | null, error: string | null, wakeAt: number | null): Promise<void> {
    return this.enqueue(w, () => void this.s.upsert.run({ ...w, state, value, error, wakeAt }));
  }

  /**
   * Group commit: a durable write joins the queue, and the queue is committed at the next setImmediate, after the
   * I/O callbacks and microtasks of this loop turn (no timer: a lone write waits for nothing but its own commit).
   * Every write that arrived meanwhile (several steps of one instance, or of several) shares one transaction and one
   * fdatasync. Each promise settles only after that fdatasync: no caller sees a result that is not on disk.
   */
  private enqueue<T>(w: StepWrite, body: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ w, body, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.commitBatch(batch, (commit) => this.durable(commit));
  }

  /** One BEGIN IMMEDIATE for the batch; each write in its own savepoint, so a lost lease fails only its own write. */
  private commitBatch(batch: Pending[], wrap: (commit: () => ItemOutcome[]) => ItemOutcome[]): void {
    let outcomes: ItemOutcome[];
    try {
      outcomes = wrap(() =>
        this.db
          .transaction(() =>
            batch.map((p): ItemOutcome => {
              try {
                return { ok: true, value: this.fenced(p.w, p.body) };
              } catch (error) {
                return { ok: false, error };
              }
            }),
          )
          .immediate(),
      );
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

  /**
   * A FULL commit as SQLite's own on Linux, with fdatasync instead of fsync: commit under NORMAL (the frames
   * reach the OS), then fdatasync the WAL before returning. The result is on disk when the call returns, exactly
   * as with FULL; the inode's mtime, which fsync would also flush, is not needed to read the frames back.
   */
  private durable<T>(commit: () => T): T {
    if (this.wal === undefined) return commit();
    this.s.relaxed.run();
    try {
      const out = commit();
      this.wal.sync();
      return out;
    } finally {
      this.s.strict.run();
    }
  }

  /**
   * BEGIN IMMEDIATE (a SAVEPOINT inside a group commit), check ownership, write, COMMIT: a worker whose lease
   * was taken can never journal.
   */
  private fenced<T>(w: StepWrite, body: () => T): T {
    return this.db
      .transaction(() => {
        const row = this.s.owner.get(w.instanceId) as { owner: string | null } | undefined;
        if (row?.owner !== w.owner) throw new LeaseLostError(`instance ${w.instanceId} is no longer owned by ${w.owner}`);
        return body();
      })
      .immediate();
  }
}

function toEntry(row: StepRow): JournalEntry {
  const entry: JournalEntry = { seq: row.seq, name: row.name, kind: row.kind, state: row.state, attempt: row.attempt };
  if (row.value !== null) entry.value = decodeValue(row.value);
  if (row.error !== null) entry.error = JSON.parse(row.error) as SerializedError;
  if (row.wake_at !== null) entry.wakeAt = row.wake_at;
  return entry;
}
