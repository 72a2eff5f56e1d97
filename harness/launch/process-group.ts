import { spawn, fork, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { distRoot } from '../paths.js';
import { processGroupOf } from './proc-stat.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A process the orchestrator started and must not leave behind: a child leading its own process group (`spawnGroup`),
 * or an engine's container (`harness/launch/containers.ts`, where `pid` is the container's first process on this host).
 */
export interface ManagedProcess {
  name: string;
  pid: number;
  /** Set when it runs in a container: the container and its image. */
  container?: { id: string; image: string };
  exited: Promise<Exit>;
  /** Signals the whole group; a group already gone is not an error. */
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the leader is gone. */
  stop(graceMs?: number): Promise<Exit>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr go to this file (appended), or are ignored. */
  logFile?: string;
  /** Open an IPC channel (the child must be a Node script; `command` is then the script path). */
  ipc?: boolean;
  /**
   * false: the reaper leaves this group alone when the orchestrator dies, because it cleans up after itself and must
   * outlive the orchestrator to do so (the fault filesystem unmounts itself once the orchestrator is gone; SIGKILLed
   * first, it would leave its mount behind). The exit and signal handlers still stop it. Default true.
   */
  reaped?: boolean;
}

/** A process group led by a child of the orchestrator. */
export interface ManagedChild extends ManagedProcess {
  child: ChildProcess;
}

const live = new Set<ManagedProcess>();

let reaper: ChildProcess | undefined;
/** Marks this orchestrator's reaped children (and what they start) in their environment, for the reaper to find them. */
const REAPER_TOKEN = `${process.pid}-${randomUUID()}`;

/** Starts the reaper (harness/launch/reaper.ts) once, before the first child it watches. */
function startReaper(): void {
  if (reaper) return;
  const script = join(distRoot, 'harness/launch/reaper.js');
  if (!existsSync(script)) return; // not built: the exit and signal handlers still clean up
  const args = [REAPER_TOKEN, String(processGroupOf(process.pid) ?? 0)];
  reaper = fork(script, args, { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  reaper.on('error', () => undefined);
  reaper.unref();
  (reaper.channel as { unref?: () => void } | undefined)?.unref?.(); // the reaper never keeps the orchestrator alive
}

/** Tells the reaper a group started or ended. */
function tellReaper(msg: { add: number } | { remove: number }): void {
  if (reaper?.connected) reaper.send(msg, () => undefined);
}

/** The child's environment: the reaper's token for a reaped group, none for one that must outlive the orchestrator. */
function childEnv(opts: SpawnOptions): NodeJS.ProcessEnv {
  const { ORDEAL_REAPER_TOKEN: _inherited, ...env } = opts.env ?? process.env;
  return opts.reaped === false ? env : { ...env, ORDEAL_REAPER_TOKEN: REAPER_TOKEN };
}

/** Spawns a process as the leader of a new process group and registers it for cleanup. */
export function spawnGroup(opts: SpawnOptions): ManagedChild {
  if (stopping !== 0) throw new HarnessError(`not starting ${opts.name}: ordeal was interrupted`, 'ORD-300');
  if (opts.reaped !== false) startReaper(); // before the child: an orchestrator killed right after the spawn is still reaped
  const fd = opts.logFile ? openSync(opts.logFile, 'a') : 'ignore';
  let child: ChildProcess;
  try {
    const stdio = ['ignore', fd, fd] as const;
    const env = childEnv(opts);
    child = opts.ipc
      ? fork(opts.command, opts.args, { detached: true, env, cwd: opts.cwd, stdio: [...stdio, 'ipc'] })
      : spawn(opts.command, opts.args, { detached: true, env, cwd: opts.cwd, stdio: [...stdio] });
  } finally {
    if (typeof fd === 'number') closeSync(fd);
  }
  if (child.pid === undefined) throw new HarnessError(`could not start ${opts.name} (${opts.command}): no pid`, 'ORD-302');
  const pid = child.pid;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(proc);
      if (opts.reaped !== false) tellReaper({ remove: pid });
      resolve({ code, signal });
    });
    child.once('error', () => {
      live.delete(proc);
      resolve({ code: null, signal: null });
    });
  });
  const proc: ManagedChild = {
    name: opts.name,
    pid,
    child,
    exited,
    signal(sig) {
      try {
        process.kill(-pid, sig);
      } catch {
        // the group is already gone
      }
    },
    async stop(graceMs = 2000) {
      proc.signal('SIGTERM');
      const timer = setTimeout(() => proc.signal('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      proc.signal('SIGKILL'); // children the leader left behind
      return exit;
    },
  };
  live.add(proc);
  if (opts.reaped !== false) tellReaper({ add: pid });
  else selfCleaning.add(proc);
  return proc;
}

/** Registers a process started some other way (a container) for the same cleanup; it leaves the set once `exited` settles. */
export function track(proc: ManagedProcess): void {
  live.add(proc);
  void proc.exited.then(() => live.delete(proc));
}

/** Groups that must outlive the orchestrator's last moments to clean up after themselves (`reaped: false`). */
const selfCleaning = new WeakSet<ManagedProcess>();

/** SIGKILLs every live group, synchronously: safe in an 'exit' handler. */
export function killAllGroups(): void {
  for (const p of live) p.signal('SIGKILL');
  live.clear();
}

/**
 * SIGKILLs every live group but those that clean up after themselves once the orchestrator is gone (the fault
 * filesystem): while the command still runs its interrupt hooks, its own clients may still touch files on the mount
 * (SQLite's memory-mapped `-shm`), and a mount whose daemon was killed under them raises SIGBUS in the orchestrator,
 * which then dies before its exit handlers unmount it. They stop with the 'exit' handler.
 */
function killReapedGroups(): ManagedProcess[] {
  const killed = [...live].filter((p) => !selfCleaning.has(p));
  for (const p of killed) {
    p.signal('SIGKILL');
    live.delete(p);
  }
  return killed;
}

export function liveGroups(): readonly ManagedProcess[] {
  return [...live];
}

const interruptHooks = new Set<() => void>();
let stopping = 0;
/** The exit code (130 SIGINT, 143 otherwise) once a signal is stopping the command, else 0: nothing new starts, and what fails from then on is the interruption, not an error. */
export const interrupted = () => stopping;
/**
 * Runs `fn` when SIGINT, SIGTERM or SIGHUP stops the command, after every process group was killed and before it exits:
 * what a command does to still say what it did (print the finished cases, write reports, remove folders). Synchronous;
 * returns the function that unregisters it.
 */
export function onInterrupt(fn: () => void): () => void {
  interruptHooks.add(fn);
  return () => interruptHooks.delete(fn);
}

let installed = false;
/** No process outlives the orchestrator: clean up on exit, SIGINT, SIGTERM and crashes. */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllGroups);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      stopping = sig === 'SIGINT' ? 130 : 143;
      const leaders = killReapedGroups();
      for (const fn of interruptHooks)
        try {
          fn();
        } catch (e) {
          process.stderr.write(`ordeal: while stopping: ${(e as Error).message}\n`);
        }
      interruptHooks.clear();
      // reap the leaders before exiting, so none is left even as a zombie
      const gone = Promise.all(leaders.map((p) => p.exited));
      const cap = new Promise((r) => setTimeout(r, 3000));
      void Promise.race([gone, cap]).then(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
  process.on('uncaughtException', (e) => {
    killAllGroups();
    process.stderr.write(`ordeal: internal error: ${e.stack ?? e}\n`);
    process.exit(3);
  });
}
