/** The durable hand-off between orchestrator and worker: a run request and a failure note, as files in the data dir. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonDurably } from '../../harness/durable-file.js';

export interface RunRequest {
  threadId: string;
  task: string;
  system?: string;
}

const SUBMITTED = 'submitted.json';
const FAILED = 'failed.json';

export function writeRunRequest(dataDir: string, req: RunRequest): void {
  mkdirSync(dataDir, { recursive: true });
  writeJsonDurably(join(dataDir, SUBMITTED), req);
}

export function readRunRequest(dataDir: string): RunRequest | undefined {
  const f = join(dataDir, SUBMITTED);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as RunRequest) : undefined;
}

/** LangGraph keeps no "failed" status for a thread, so the worker notes why it gave up. */
export function writeFailure(dataDir: string, threadId: string, error: string): void {
  writeJsonDurably(join(dataDir, FAILED), { threadId, error });
}

export function readFailure(dataDir: string): { threadId: string; error: string } | undefined {
  const f = join(dataDir, FAILED);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { threadId: string; error: string }) : undefined;
}
