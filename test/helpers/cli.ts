import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const ordealBin = join(root, 'bin/ordeal.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `ordeal` command line as a user would. */
export function ordeal(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [ordealBin, ...args], { cwd: opts.cwd ?? root, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

/** The directories tempDir made for this test file so far (test/cleanup.ts removes them when the file passes). */
const made: string[] = [];

/** A fresh directory under the OS's temporary directory; kept only when a test of its file fails (see test/cleanup.ts). */
export function tempDir(prefix = 'ordeal-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Hands over the directories tempDir made, and forgets them. */
export function takeTempDirs(): string[] {
  return made.splice(0);
}
