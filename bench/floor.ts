/** The disk's physical floor, in the bench directory: a 4 KiB write + fdatasync, and a raw SQLite FULL insert. */
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Bench } from 'tinybench';
import { round, type Quantiles } from './stats.js';

export interface DiskFloor {
  fdatasyncMs: Quantiles;
  sqliteFullInsertMs: Quantiles;
}

export async function measureDisk(dir: string, quick: boolean): Promise<DiskFloor> {
  const block = Buffer.alloc(4096, 0x61);
  const fd = openSync(join(dir, 'floor.bin'), 'w');
  // The same 4 KiB block rewritten in place: the cheapest durable write the file system offers.
  writeSync(fd, block, 0, block.length, 0);
  fdatasyncSync(fd);
  const db = new Database(join(dir, 'floor.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const value = 'x'.repeat(100);
  const bench = new Bench({ iterations: quick ? 100 : 1000, time: quick ? 100 : 1000, warmupIterations: 20 });
  bench.add('fdatasync 4 KiB', () => {
    writeSync(fd, block, 0, block.length, 0);
    fdatasyncSync(fd);
  });
  bench.add('sqlite insert, WAL, synchronous=FULL', () => {
    insert.run(value);
  });
  try {
    await bench.run();
  } finally {
    closeSync(fd);
    db.close();
  }
  const [f, s] = bench.tasks.map((t) => latency(t.result, t.name));
  return { fdatasyncMs: f as Quantiles, sqliteFullInsertMs: s as Quantiles };
}

export function latency(result: unknown, name: string): Quantiles {
  const r = result as { state: string; latency?: { p50: number; p99: number }; error?: Error };
  if (r.state !== 'completed' || !r.latency) throw new Error(`floor probe '${name}' did not complete: ${r.error?.message ?? r.state}`);
  return { p50: round(r.latency.p50), p99: round(r.latency.p99) };
}
