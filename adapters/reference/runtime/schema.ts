// Opens the journal database: WAL, configured synchronous, busy timeout, and the three tables.
import { closeSync, existsSync, fdatasyncSync, openSync, statSync, writeSync } from 'node:fs';
import { DurabilityLostError } from './errors.js';
import Database from 'better-sqlite3';
import type { SynchronousMode } from './types.js';

export type Db = Database.Database;

// steps is a rowid table, its primary key an index of its own. WITHOUT ROWID made the whole row the b-tree key: a row
// over ~230 bytes (a model reply, with 1 KiB pages) spilled to an overflow page, and each insert's key search then
// read the spilled rows it compared against from the file (~3 preads per commit in a warm chain, none now). A journal
// created WITHOUT ROWID keeps its table (same columns, same statements).
const DDL = `
CREATE TABLE IF NOT EXISTS instances (
  id TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  input TEXT,
  status TEXT NOT NULL,
  result TEXT,
  error TEXT,
  owner TEXT,
  owner_pid INTEGER,
  owner_host TEXT,
  lease_until INTEGER NOT NULL DEFAULT 0,
  ready_at INTEGER NOT NULL DEFAULT 0,
  waiting TEXT,
  executions INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS instances_open ON instances(ready_at) WHERE status IN ('pending', 'running');
CREATE TABLE IF NOT EXISTS steps (
  instance_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  value TEXT,
  error TEXT,
  wake_at INTEGER,
  PRIMARY KEY (instance_id, seq)
);
CREATE TABLE IF NOT EXISTS signals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id TEXT NOT NULL,
  name TEXT NOT NULL,
  payload TEXT,
  consumed_seq INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS signals_pending ON signals(instance_id, name, id) WHERE consumed_seq IS NULL;
`;

export function openDatabase(path: string, synchronous: SynchronousMode, busyTimeoutMs: number): Db {
  const db = new Database(path);
  // Busy timeout first: other processes (harness, another worker) may hold the write lock right now.
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  // New files only (ignored once created): a commit writes whole pages to the WAL, and a step commits its row twice
  // (attempt, result), so 1 KiB pages make the fdatasync after a step flush ~2 KiB instead of ~8 KiB (~9% per step).
  db.pragma('page_size = 1024');
  db.pragma('journal_mode = WAL');
  // A small WAL (256 KiB) is rewritten in place instead of growing: a commit's sync then needs no size update (~40% faster per step).
  db.pragma('wal_autocheckpoint = 256');
  db.pragma(`synchronous = ${synchronous}`);
  db.transaction(() => {
    db.exec(DDL);
    preallocateWal(db);
  }).immediate();
  return db;
}

/** Comfortably above the WAL's largest size: 256 frames of 1 KiB pages (24-byte frame headers) plus the last commit's frames. */
export const WAL_PREALLOCATED_BYTES = 384 * 1024;

/**
 * Writes zeros to the WAL file up to WAL_PREALLOCATED_BYTES (once per file, and synced), so that no commit ever extends
 * it: an fdatasync after an append must also flush the file's new size and blocks (an ext4 journal commit, ~1–2 ms
 * here), one after an in-place rewrite only the data. Zeros past the last frame are what SQLite leaves after a WAL
 * restart anyway (stale frames): recovery stops at the first frame whose salt and checksum do not match. Called inside
 * an IMMEDIATE transaction, which holds the WAL write lock, so no other connection appends frames meanwhile.
 */
function preallocateWal(db: Db): void {
  if (db.memory || !db.name) return;
  const wal = `${db.name}-wal`;
  let size: number;
  try {
    size = statSync(wal).size;
  } catch {
    return; // no WAL file (yet): nothing to extend
  }
  if (size >= WAL_PREALLOCATED_BYTES) return;
  const fd = openSync(wal, 'r+');
  try {
    writeSync(fd, Buffer.alloc(WAL_PREALLOCATED_BYTES - size), 0, WAL_PREALLOCATED_BYTES - size, size);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * How a commit becomes durable. FULL on a file: the connection stays at NORMAL and every durable commit is followed by
 * an fdatasync of the WAL (the frames are on disk when commit() returns, as with SQLite's FULL, with fdatasync where
 * SQLite calls fsync); writes that need no sync (attempt rows, lease renewals) simply skip it. NORMAL: SQLite's own
 * setting (the WAL is synced only at checkpoints), except for acknowledgements to a client (acknowledge(): a run's
 * creation, a signal), which are synced in every mode, as a durable runtime answers a start only once it is on disk.
 * In memory: SQLite's own setting, no explicit sync.
 */
export class Durability {
  /** Set once an fsync failed: no later sync is believed (a retried fsync succeeds without the lost pages). */
  private lost: DurabilityLostError | undefined;

  private constructor(
    private readonly wal: WalSync | undefined,
    private readonly everyCommit: boolean,
    private readonly onLost: ((error: Error) => void) | undefined,
  ) {}

  static for(db: Db, synchronous: SynchronousMode, onLost?: (error: Error) => void): Durability {
    const wal = WalSync.open(db);
    if (wal !== undefined && synchronous === 'FULL') db.pragma('synchronous = NORMAL'); // safe only because every durable write goes through commit()
    return new Durability(wal, synchronous === 'FULL', onLost);
  }

  /** Runs `write` (one statement or one transaction) and returns once it is on disk (FULL; NORMAL: once SQLite committed it). */
  commit<T>(write: () => T): T {
    const out = write();
    if (this.everyCommit) this.syncWal();
    return out;
  }

  /** Runs `write` and returns once it is on disk whatever the mode: what a client is told has happened (start, signal). */
  acknowledge<T>(write: () => T): T {
    const out = write();
    this.syncWal();
    return out;
  }

  /** Makes every commit so far durable (after a write whose caller knows it changed something; FULL only). */
  sync(): void {
    if (this.everyCommit) this.syncWal();
  }

  /** An fsync that fails loses durability for good (DurabilityLostError): `onLost` (a worker's fail-stop), then the error. */
  private syncWal(): void {
    if (this.lost) throw this.lost;
    try {
      this.wal?.sync();
    } catch (e) {
      const cause = e instanceof Error ? e : new Error(String(e));
      this.lost = new DurabilityLostError(
        `reference runtime: the fsync of the journal failed (${cause.message}); what was committed since the last good fsync may never reach the disk`,
        { cause },
      );
      this.onLost?.(this.lost);
      throw this.lost;
    }
  }

  close(): void {
    this.wal?.close();
  }
}

/** The WAL file of an open WAL-mode database, for an explicit fdatasync after a commit. */
export class WalSync {
  private fd: number | undefined;

  private constructor(private readonly path: string) {}

  /** undefined for an in-memory database (no WAL file): its writes then keep SQLite's own FULL sync. */
  static open(db: Db): WalSync | undefined {
    return db.memory || !db.name ? undefined : new WalSync(`${db.name}-wal`);
  }

  /** fdatasync acts on the file, not the descriptor: any open fd of the WAL flushes every connection's frames. */
  sync(): void {
    // The WAL exists while this connection is open (SQLite deletes it only when the last connection closes).
    if (this.fd === undefined) {
      if (!existsSync(this.path)) throw new Error(`reference runtime: WAL file ${this.path} is missing; cannot make the commit durable`);
      this.fd = openSync(this.path, 'r');
    }
    fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
