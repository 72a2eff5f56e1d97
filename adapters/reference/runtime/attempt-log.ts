// "Attempt n of step seq started": one appended line per attempt, in a small file per instance beside the journal.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './schema.js';
import type { StepKind } from './types.js';

export interface AttemptStart {
  seq: number;
  attempt: number;
  kind: StepKind;
  name: string;
}

/**
 * Attempt starts are not results: nothing is replayed from them, they only make the next execution count an
 * interrupted attempt (attempt n+1 after a kill, `maxAttempts` after a crash loop). So they skip SQLite: one
 * `write(2)` with O_APPEND to `<journal>-attempts/<sha1(instance)>` before the step function runs. Once written the line
 * is in the OS (a SIGKILL cannot lose it) and nothing syncs it: only a power loss can forget an attempt number, never
 * a journaled result — the guarantee the unsynced SQLite row gave, at a fraction of its cost. Several processes may
 * append to one file (a worker that lost its lease and the new owner): each line is one small O_APPEND write.
 * The file is closed when the execution ends and deleted when the instance completes or fails.
 * An in-memory journal keeps the lines in memory (it does not survive its process either).
 */
export class AttemptLog {
  private readonly fds = new Map<string, number>();
  private readonly memory = new Map<string, string>();
  private made = false;

  private constructor(private readonly dir: string | undefined) {}

  static for(db: Db): AttemptLog {
    return new AttemptLog(db.memory || !db.name ? undefined : `${db.name}-attempts`);
  }

  record(instanceId: string, start: AttemptStart): void {
    const line = `${JSON.stringify([start.seq, start.attempt, start.kind, start.name])}\n`;
    if (this.dir === undefined) {
      this.memory.set(instanceId, (this.memory.get(instanceId) ?? '') + line);
      return;
    }
    let fd = this.fds.get(instanceId);
    if (fd === undefined) {
      if (!this.made) mkdirSync(this.dir, { recursive: true });
      this.made = true;
      fd = openSync(this.file(instanceId), 'a');
      this.fds.set(instanceId, fd);
    }
    writeSync(fd, line);
  }

  /** Every recorded start of the instance, oldest first; a line that does not parse (a torn write) is skipped. */
  read(instanceId: string): AttemptStart[] {
    let text: string;
    if (this.dir === undefined) text = this.memory.get(instanceId) ?? '';
    else {
      try {
        text = readFileSync(this.file(instanceId), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    }
    const starts: AttemptStart[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const [seq, attempt, kind, name] = JSON.parse(line) as [number, number, StepKind, string];
        if (Number.isInteger(seq) && Number.isInteger(attempt) && typeof name === 'string') starts.push({ seq, attempt, kind, name });
      } catch {
        // a torn line (power loss mid-write): the attempt it named is forgotten, as an unsynced row would be
      }
    }
    return starts;
  }

  /** The execution ended: close its file (the next execution, here or elsewhere, opens it again). */
  release(instanceId: string): void {
    const fd = this.fds.get(instanceId);
    if (fd !== undefined) closeSync(fd);
    this.fds.delete(instanceId);
  }

  /** The instance completed or failed: its attempt numbers are no longer needed. */
  forget(instanceId: string): void {
    this.release(instanceId);
    this.memory.delete(instanceId);
    if (this.dir !== undefined) rmSync(this.file(instanceId), { force: true });
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private file(instanceId: string): string {
    return join(this.dir as string, createHash('sha1').update(instanceId).digest('hex'));
  }
}
