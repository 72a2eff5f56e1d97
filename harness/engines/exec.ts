/** ORD-310: an install command failed. Runs an installer command, streaming its output line by line into the install log. */
import { spawn } from 'node:child_process';
import { HarnessError } from '../errors.js';
import type { InstallLog } from './types.js';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Resolves on exit code 0; rejects with the command and the last lines of output otherwise. */
export function run(cmd: string, args: string[], log: InstallLog, opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    let out = '';
    const onChunk = (buf: Buffer): void => {
      const text = buf.toString('utf8');
      out += text;
      for (const line of text.split(/\r?\n/)) {
        if (line.trim() === '') continue;
        log(line);
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    };
    child.stdout.on('data', onChunk);
    child.stderr.on('data', onChunk);
    child.on('error', (e) => reject(new HarnessError(`could not run ${cmd}: ${e.message}`, 'ORD-310')));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new HarnessError(`${cmd} ${args.join(' ')} exited with ${code ?? signal}:\n${tail.join('\n')}`, 'ORD-310'));
    });
  });
}
