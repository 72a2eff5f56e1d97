/** Finding and reading run folders for reports; a folder left unfinished reads as incomplete, never as a crash. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../harness/errors.js';
import { FILES, isRunFolder, readRunFolder, type RunInfo, type RunRecord } from '../harness/store/index.js';
import type { Verdict } from '../harness/checks/index.js';

export interface LoadedRun {
  dir: string;
  /** run.json, when it could be read. */
  info?: RunInfo;
  /** Everything the folder holds, when it could be read. */
  record?: RunRecord;
  /** verdict.json: absent when the run never reached a verdict. */
  verdict?: Verdict;
  complete: boolean;
  /** Why the folder is incomplete, in one sentence. */
  problem?: string;
}

/** Each path is a run folder or a directory of run folders (e.g. `runs/`); anything else is an input error. */
export function collectRunDirs(paths: string[]): string[] {
  if (paths.length === 0) throw new InputError('no run folders given: pass run folders or a runs/ directory, e.g. ordeal report runs/', 'ORD-230');
  const dirs: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      throw new InputError(`${p}: not a directory (expected a run folder or a directory of run folders)`, 'ORD-231');
    if (isRunFolder(abs)) {
      dirs.push(abs);
      continue;
    }
    const children = readdirSync(abs)
      .map((n) => join(abs, n))
      .filter((d) => statSync(d).isDirectory() && isRunFolder(d))
      .sort();
    if (children.length === 0) throw new InputError(`${p}: not a run folder (no ${FILES.run}) and holds no run folders`, 'ORD-232');
    dirs.push(...children);
  }
  return [...new Set(dirs)];
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function loadRun(dir: string): LoadedRun {
  const info = readJson<RunInfo>(join(dir, FILES.run));
  const verdict = readJson<Verdict>(join(dir, FILES.verdict));
  let record: RunRecord | undefined;
  let problem: string | undefined;
  try {
    record = readRunFolder(dir);
  } catch (e) {
    problem = `the folder could not be read completely (${(e as Error).message})`;
  }
  if (!info) problem = `${FILES.run} is unreadable`;
  else if (info.error) problem = `the harness could not finish the case: ${info.error}`;
  else if (!verdict) problem ??= `no ${FILES.verdict}: the run stopped before it was judged`;
  else if (record && !record.complete) problem = 'the run folder was left unfinished';
  return {
    dir,
    ...(info ? { info } : {}),
    ...(record ? { record } : {}),
    ...(verdict ? { verdict } : {}),
    complete: !problem,
    ...(problem ? { problem } : {}),
  };
}

export function loadRuns(paths: string[]): LoadedRun[] {
  return collectRunDirs(paths).map(loadRun);
}
