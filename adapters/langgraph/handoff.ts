/** The durable hand-off between orchestrator and worker: a run request and a failure note, as files in the data dir. */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RunRequest {
  threadId: string;
  task: string;
  system?: string;
}

const SUBMITTED = 'submitted.json';
const FAILED = 'failed.json';

/** Written, fsynced, renamed into place and the directory fsynced: after a power cut the file is whole or absent. */
function writeAtomic(file: string, value: unknown): void {
  const fd = openSync(`${file}.tmp`, 'w');
  try {
    writeSync(fd, JSON.stringify(value));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${file}.tmp`, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export function writeRunRequest(dataDir: string, req: RunRequest): void {
  mkdirSync(dataDir, { recursive: true });
  writeAtomic(join(dataDir, SUBMITTED), req);
}

export function readRunRequest(dataDir: string): RunRequest | undefined {
  const f = join(dataDir, SUBMITTED);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as RunRequest) : undefined;
}

/** LangGraph keeps no "failed" status for a thread, so the worker notes why it gave up. */
export function writeFailure(dataDir: string, threadId: string, error: string): void {
  writeAtomic(join(dataDir, FAILED), { threadId, error });
}

export function readFailure(dataDir: string): { threadId: string; error: string } | undefined {
  const f = join(dataDir, FAILED);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { threadId: string; error: string }) : undefined;
}
