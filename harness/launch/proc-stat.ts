/** What Linux's /proc says of a process, read without a dependency (the reaper loads this too, and must start fast). */
import { readFileSync } from 'node:fs';

/** The process group of `pid` (field 5 of /proc/PID/stat, after the command name in parentheses), or undefined. */
export function processGroupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}
