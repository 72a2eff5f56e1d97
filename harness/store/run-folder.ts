/** Writing and reading run folders (ARCHITECTURE.md § The run folder); written incrementally so a dead orchestrator leaves evidence. */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError, OrdealError } from '../errors.js';
import { parseJsonFile, validateScenario } from '../scenario/index.js';
import { readRunInfo } from './run-info.js';
import { FILES } from './files.js';
import type { LedgerEntry, Op, Outcome, RunRecord, SpanRecord } from './types.js';

export { FILES };

/** `runs/<timestamp>-<scenario>-<adapter>-<shortid>/`, with its sub-folders. */
export function createRunFolder(outDir: string, scenario: string, adapter: string): { id: string; dir: string } {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const id = `${stamp}-${scenario}-${adapter}-${randomBytes(3).toString('hex')}`;
  const dir = join(outDir, id);
  for (const sub of [FILES.workspace, FILES.logs, FILES.data]) mkdirSync(join(dir, sub), { recursive: true });
  return { id, dir };
}

/** Writes JSON through a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Appends history ops, one JSON line each, as they happen. */
export class HistoryWriter {
  readonly ops: Op[] = [];
  private fd: number | undefined;
  constructor(file: string) {
    this.fd = openSync(file, 'a');
  }
  append(op: Omit<Op, 'index'>): Op {
    const full = { index: this.ops.length, ...op };
    this.ops.push(full);
    if (this.fd !== undefined) writeSync(this.fd, JSON.stringify(full) + '\n');
    return full;
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Reads a JSON-lines file, skipping a torn last line (the writer died mid-line). */
export function readJsonl<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: T[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch (e) {
      if (i < lines.length - 2) throw new InputError(`${file}:${i + 1}: not a JSON line (${(e as Error).message})`, 'ORD-210');
    }
  });
  return out;
}

export function readWorkspace(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

export function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, FILES.run));
}

/**
 * Reads everything a checker or report needs; an unfinished folder reads as `complete: false`. A damaged one is an
 * InputError naming the file (a file that cannot be read at all: ORD-223), never a crash.
 */
export function readRunFolder(dir: string): RunRecord {
  if (!isRunFolder(dir)) throw new InputError(`${dir}: not a run folder (no ${FILES.run})`, 'ORD-211');
  try {
    return readRunFolderUnchecked(dir);
  } catch (e) {
    if (e instanceof OrdealError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new InputError(
      `${dir}: the run folder cannot be read (${err.code ?? err.name}: ${err.message}); expected a run folder as ordeal run writes it`,
      'ORD-223',
    );
  }
}

function readRunFolderUnchecked(dir: string): RunRecord {
  const info = readRunInfo(dir);
  const scenario = validateScenario(parseJsonFile(join(dir, FILES.scenario)), join(dir, FILES.scenario));
  const history = readJsonl<Op>(join(dir, FILES.history));
  const outcomeOp = [...history].reverse().find((o) => o.f === 'outcome');
  const outcome = (outcomeOp?.value as Outcome | undefined) ?? { status: 'running' };
  return {
    dir,
    info,
    scenario,
    history,
    ledger: readJsonl<LedgerEntry>(join(dir, FILES.ledger)),
    spans: readJsonl<SpanRecord>(join(dir, FILES.spans)),
    outcome,
    workspace: readWorkspace(join(dir, FILES.workspace)),
    complete: info.finishedAt !== undefined && outcomeOp !== undefined,
  };
}
