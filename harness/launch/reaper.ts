/**
 * The reaper: a small process the orchestrator starts before its first child, in a process group of its own. The
 * orchestrator tells it over IPC each process group it starts and each that ends; when the IPC channel closes (the
 * orchestrator exited or died by any means, SIGKILL included) it SIGKILLs every group still registered and exits,
 * so no engine, proxy, world or worker outlives the command that started it.
 *
 * Messages can be lost: an orchestrator SIGKILLed while this module still loads takes its messages, and the channel's
 * close, with it, and one SIGKILLed between a child's spawn and its message never sent it. So every reaped child also
 * carries the orchestrator's token in its environment (`ORDEAL_REAPER_TOKEN`, inherited by whatever it starts), and the
 * reaper also kills the process group of every process whose environment holds it (Linux's /proc).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { processGroupOf as groupOf } from './proc-stat.js';

const [token, orchestratorGroup] = [process.argv[2], Number(process.argv[3])];
const groups = new Set<number>();

/** The processes whose environment holds this orchestrator's token, with their process groups. */
function tokenHolders(): { pid: number; pgid: number | undefined }[] {
  if (!token) return [];
  const mark = Buffer.from(`ORDEAL_REAPER_TOKEN=${token}\0`);
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return []; // no /proc: the registered groups are all there is
  }
  return pids
    .filter((pid) => {
      if (pid === process.pid) return false;
      try {
        return readFileSync(`/proc/${pid}/environ`).includes(mark);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map((pid) => ({ pid, pgid: groupOf(pid) }));
}

const kill = (target: number) => {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // already gone
  }
};

function reap(): void {
  for (const pgid of groups) kill(-pgid);
  const own = groupOf(process.pid);
  for (const { pid, pgid } of tokenHolders()) {
    // never the orchestrator's own group (the user's shell job) or this one
    if (pgid !== undefined && pgid > 1 && pgid !== orchestratorGroup && pgid !== own) kill(-pgid);
    kill(pid);
  }
  process.exit(0);
}

process.on('message', (m: { add?: number; remove?: number }) => {
  if (typeof m.add === 'number') groups.add(m.add);
  if (typeof m.remove === 'number') groups.delete(m.remove);
});
process.on('disconnect', reap);
// the channel closed before this module was loaded: the orchestrator is already gone, and its 'disconnect' with it
if (!process.connected) reap();

// a terminal's Ctrl-C or a CI's SIGTERM to the orchestrator is handled there; the reaper waits for the channel to close
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
