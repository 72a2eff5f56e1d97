// Opens the journal database: WAL, configured synchronous, busy timeout, and the three tables.
import Database from 'better-sqlite3';
import type { SynchronousMode } from './types.js';

export type Db = Database.Database;

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
) WITHOUT ROWID;
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
  db.pragma('journal_mode = WAL');
  // A small WAL is rewritten in place instead of growing: a commit's sync then needs no size update (~40% faster per step).
  db.pragma('wal_autocheckpoint = 64');
  db.pragma(`synchronous = ${synchronous}`);
  db.transaction(() => db.exec(DDL)).immediate();
  return db;
}
