/** The worker and engine of one case: started, killed and restarted with every step in the history. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError, InputError } from '../errors.js';
import { interrupted, launchEngineProcess, spawnGroup, type ManagedProcess } from '../launch/index.js';
import { FILES, now, type HistoryWriter } from '../store/index.js';
import type { Adapter, AdapterContext, EngineHandle, EngineSpec } from './adapter.js';
import { engineOf, type EngineLink } from './engine-link.js';

/**
 * The waits of a service manager before each restart of an engine that exited on its own (systemd's `RestartSec`,
 * doubled each time): an engine that stops on a full disk comes back once the disk has room, not in a tight loop.
 */
export const ENGINE_RESTART_DELAYS_MS = [500, 1000, 2000, 4000, 8000] as const;

/**
 * The waits of a supervisor before each restart of a worker that exited on its own (a fail-stop on a failed fsync or a
 * full disk, a crash), doubled each time as systemd's `RestartSec` steps or Kubernetes' crash-loop back-off do: a worker
 * that stops while the disk is full is not restarted five times into the same full disk within a few milliseconds.
 */
export const WORKER_RESTART_DELAYS_MS = [100, 200, 400, 800, 1600] as const;

interface Role {
  proc?: ManagedProcess;
  incarnation: number;
  /** Exits the orchestrator caused, so they are not mistaken for crashes. */
  expected: Set<number>;
  /** A worker of a blue-green deploy: its deployment (2) and environment (version 2's), kept by every restart of it. */
  deployment?: { n: number; env: Record<string, string> };
}

/**
 * The worker and engine processes of one case, run with the case's context `ctx`. Each engine start is reported to
 * `link`, the one owner of the address the worker dials (ctx.engine reads it); `extraEnv` is added to every worker's environment.
 */
export class CaseProcesses {
  readonly worker: Role = { incarnation: 0, expected: new Set() };
  /**
   * Workers started beside the first: second replicas of the same case (extra-worker), and a blue-green deploy's
   * version 2 workers; up until the case ends.
   */
  readonly extraWorkers: Role[] = [];
  readonly engine: Role = { incarnation: 0, expected: new Set() };
  /** The engine's companion processes (e.g. Dapr's placement and scheduler), by role. */
  readonly companions = new Map<string, Role>();
  /** pid → process name, to name the world's ops. */
  private readonly names = new Map<number, string>();
  /** The adapter's engine, if it has one. */
  private readonly spec: EngineSpec | undefined;
  private enginePorts: Record<string, number> | undefined;
  /** What `kill-engine target=` calls the main engine process besides `engine`. */
  private engineRole: string | undefined;
  private crashRestarts = 0;
  /** Restarts of an engine that exited on its own so far (ENGINE_RESTART_DELAYS_MS bounds them). */
  private engineCrashRestarts = 0;
  /** The engine answered once: from then on an exit on its own is a crash its service manager restarts. */
  private engineUp = false;
  private supervising = false;
  /** Engine starts run one after another (a fault's restart and the service manager's must not launch it twice). */
  private engineStarts: Promise<void> = Promise.resolve();
  /** Workers started so far, whichever role: the n of `worker#n`. */
  private workerStarts = 0;
  /** Environment every worker started from now on gets on top of the others (deploy: version 2). */
  private workerOverride: Record<string, string> = {};
  private stopping = false;

  constructor(
    readonly adapter: Adapter,
    private readonly ctx: Readonly<AdapterContext>,
    private readonly link: EngineLink,
    private readonly history: HistoryWriter,
    private readonly extraEnv: Readonly<Record<string, string>> = {},
    private readonly maxCrashRestarts: number = WORKER_RESTART_DELAYS_MS.length,
    /** Environment added to the engine's main process (clock-jump target=engine: libfaketime). */
    private readonly engineEnv: Readonly<Record<string, string>> = {},
  ) {
    this.spec = engineOf(adapter, ctx.options, ctx);
  }

  /** Whether the adapter has an engine process. */
  get hasEngine(): boolean {
    return this.spec !== undefined;
  }

  /** The history name of the process with this pid (`worker#2`, `engine#1`), if the case started it. */
  nameOf(pid: number): string | undefined {
    return this.names.get(pid);
  }

  /**
   * Starts the engine (after a kill: only its dead processes) and waits until it answers. An engine process
   * that exits before then fails the start at once, with the end of its log. On the first start that is
   * retried twice with fresh ports: a port chosen for the engine can still be taken before the engine binds it.
   */
  startEngine(): Promise<void> {
    const started = this.engineStarts.then(() => this.startEngineNow());
    this.engineStarts = started.catch(() => undefined);
    return started;
  }

  private async startEngineNow(): Promise<void> {
    const spec = this.spec;
    if (!spec) {
      // no engine process: an external server the adapter prepared (if any) stands as the engine's link
      const handle = await this.adapter.service?.(this.ctx);
      if (handle) this.link.startedAs(handle);
      return;
    }
    const first = this.engine.incarnation === 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const handle = await this.launchEngine(spec);
        this.link.startedAs(handle);
        if (first) await spec.setup?.(this.ctx, handle);
        this.engineUp = true;
        return;
      } catch (e) {
        // only a process that exited on its own (a code, not a signal: that is somebody stopping it) is retried
        if (!(e instanceof EngineExited) || e.bySignal || this.stopping || !first || attempt === 3) {
          throw new HarnessError(
            `engine ${spec.name} did not become ready: ${(e as Error).message}; see ${join(this.ctx.runDir, FILES.logs)}`,
            'ORD-304',
          );
        }
        await this.stopRoles([this.engine, ...this.companions.values()]);
        this.enginePorts = undefined;
      }
    }
  }

  private async launchEngine(spec: EngineSpec): Promise<EngineHandle> {
    const { command, args, env, native, handle, role: mainRole, companions = [] } = await spec.command(this.ctx, this.enginePorts);
    this.enginePorts = handle.ports;
    this.engineRole = mainRole ?? spec.name;
    // after a kill only the dead processes come back; the others keep running
    for (const c of companions) {
      const role = this.companions.get(c.role) ?? { incarnation: 0, expected: new Set<number>() };
      this.companions.set(c.role, role);
      if (!role.proc) await this.launch(role, c.role, c.command, c.args, c.env, c.native ? 'native-engine' : 'engine');
    }
    const engineEnv = Object.keys(this.engineEnv).length ? { ...(env ?? process.env), ...this.engineEnv } : env;
    if (!this.engine.proc) await this.launch(this.engine, 'engine', command, args, engineEnv, native ? 'native-engine' : 'engine');
    // the first engine process to exit ends the wait (`kind` also names its log file)
    const running: [kind: string, proc: ManagedProcess][] = [];
    if (this.engine.proc) running.push(['engine', this.engine.proc]);
    for (const [kind, role] of this.companions) if (role.proc) running.push([kind, role.proc]);
    const exited = Promise.race(
      running.map(([kind, p]) =>
        p.exited.then((exit): never => {
          throw new EngineExited(p.name, exit, tail(join(this.ctx.runDir, FILES.logs, `${kind}.log`)));
        }),
      ),
    );
    const stop = new AbortController();
    try {
      await Promise.race([spec.ready(this.ctx, handle, 60_000, stop.signal), exited]);
    } catch (e) {
      if (e instanceof EngineExited) throw e;
      const log = tail(join(this.ctx.runDir, FILES.logs, 'engine.log'));
      throw new Error(`${(e as Error).message}${log ? `; the end of its log:\n${log}` : ''}`, { cause: e });
    } finally {
      stop.abort();
    }
    return handle;
  }

  async startWorker(): Promise<void> {
    await this.startWorkerAs(this.worker);
  }

  /** Starts one more worker for the case beside the running one (extra-worker); it is stopped when the case ends. */
  async startExtraWorker(): Promise<void> {
    const role: Role = { incarnation: 0, expected: new Set() };
    this.extraWorkers.push(role);
    await this.startWorkerAs(role);
  }

  /**
   * A rollout: every running worker stopped as Kubernetes stops a pod (SIGTERM, SIGKILL after `graceMs`), then each
   * started again with `env` added, which every later start keeps (kill-worker's restart, a crash restart).
   */
  async redeployWorkers(env: Record<string, string>, graceMs = 3000): Promise<void> {
    const roles = [this.worker, ...this.extraWorkers].filter((r) => r.proc);
    this.workerOverride = { ...this.workerOverride, ...env };
    for (const role of roles) {
      const p = role.proc!;
      role.expected.add(p.pid);
      p.signal('SIGCONT'); // a paused worker cannot handle SIGTERM
      await p.stop(graceMs);
      if (!this.stopping) await this.startWorkerAs(role);
    }
  }

  /**
   * A blue-green deploy: a worker of deployment 2 with `env` added beside each running worker, which keeps running (and
   * restarting, on its own version) until the case ends. The adapter gives deployment 2's worker (its own endpoint, its
   * own application version) and readies it (registers the new deployment).
   */
  async deployBeside(env: Record<string, string>): Promise<void> {
    const running = [this.worker, ...this.extraWorkers].filter((r) => r.proc && !r.deployment);
    for (const _ of running) {
      if (this.stopping) return;
      const role: Role = { incarnation: 0, expected: new Set(), deployment: { n: 2, env } };
      this.extraWorkers.push(role);
      await this.startWorkerAs(role);
    }
  }

  private async startWorkerAs(role: Role): Promise<void> {
    const deployment = role.deployment?.n ?? 1;
    const spec = this.adapter.worker(this.ctx, deployment);
    const env = { ...process.env, ...this.extraEnv, ...spec.env, ...this.workerOverride, ...role.deployment?.env };
    await this.launch(role, 'worker', spec.command, spec.args, env);
    await this.adapter.workerReady?.(this.ctx, deployment);
  }

  killWorker(): Promise<void> {
    return this.kill(this.worker);
  }

  /** Kills the engine's main process, or the companion named by `target` (the engine's name also means the main one). */
  killEngine(target?: string): Promise<void> {
    if (target === undefined || target === 'engine' || target === this.engineRole) return this.kill(this.engine);
    const role = this.companions.get(target);
    if (!role) {
      const known = ['engine', this.engineRole, ...this.companions.keys()].filter(Boolean).join(', ');
      return Promise.reject(
        new InputError(`fault kill-engine: target=${target} is not a process of this engine; expected one of ${known}`, 'ORD-207'),
      );
    }
    return this.kill(role);
  }

  /** The process groups this case started for the worker, or for the engine and its companions (every incarnation). */
  processGroups(side: 'worker' | 'engine'): number[] {
    return [...this.names].filter(([, name]) => name.startsWith('worker#') === (side === 'worker')).map(([pid]) => pid);
  }

  signalWorker(sig: NodeJS.Signals): void {
    this.worker.proc?.signal(sig);
  }

  /** The history name of the first worker's current process (`worker#3`). */
  get workerName(): string {
    const pid = this.worker.proc?.pid;
    return (pid !== undefined && this.names.get(pid)) || `worker#${this.workerStarts}`;
  }

  /** Stops everything at the end of the case: worker first, then engine (once it has settled), then its companions. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const spec = this.spec;
    const engine = this.link.engine;
    if (spec?.settle && this.engine.proc && engine) await spec.settle(this.ctx, engine).catch(() => undefined);
    await this.stopRoles([this.worker, ...this.extraWorkers, this.engine, ...this.companions.values()]);
  }

  /** Stops these processes in order (SIGTERM, SIGKILL after 3 s), each exit marked as the orchestrator's doing. */
  private async stopRoles(roles: Role[]): Promise<void> {
    for (const role of roles) {
      const p = role.proc;
      if (!p) continue;
      role.expected.add(p.pid);
      p.signal('SIGCONT'); // a paused process cannot handle SIGTERM
      await p.stop(3000);
    }
  }

  private async kill(role: Role): Promise<void> {
    const p = role.proc;
    if (!p) return;
    role.expected.add(p.pid);
    p.signal('SIGKILL');
    await p.exited;
  }

  /**
   * `kind` names the process in the history (`worker#2`, `engine#1`, `placement#1`) and its log file. An engine's
   * processes start the way `--launcher` says (a container of its image, with the run folder mounted); a worker is always
   * a process here.
   */
  private async launch(
    role: Role,
    kind: string,
    command: string,
    args: string[],
    env?: NodeJS.ProcessEnv,
    part?: 'engine' | 'native-engine',
  ): Promise<ManagedProcess> {
    role.incarnation += 1;
    // every worker, first or extra, counts in one sequence: worker#1, worker#2 (a replica or a restart), …
    const name = `${kind}#${kind === 'worker' ? ++this.workerStarts : role.incarnation}`;
    const opts = { name, command, args, env, cwd: this.ctx.runDir, logFile: join(this.ctx.runDir, FILES.logs, `${kind}.log`) };
    // an engine process runs as `--launcher` says, unless it must be a host process (EngineCommand.native)
    const proc = part === 'engine' ? await launchEngineProcess(opts, this.ctx.runDir, this.ctx.runId) : spawnGroup(opts);
    role.proc = proc;
    this.names.set(proc.pid, name);
    this.history.append({
      time: now(),
      process: name,
      type: 'info',
      f: 'start',
      value: { pid: proc.pid, command: [command, ...args].join(' '), ...(proc.container ? { container: proc.container } : {}) },
      pid: proc.pid,
    });
    void proc.exited.then((exit) => {
      // the orchestrator's own interrupt (SIGINT/SIGTERM) SIGKILLs every group: that death is the harness's doing too
      const expected = role.expected.has(proc.pid) || interrupted() !== 0;
      this.history.append({
        time: now(),
        process: name,
        type: 'info',
        f: 'death',
        value: { pid: proc.pid, code: exit.code, signal: exit.signal, expected },
        pid: proc.pid,
      });
      if (role.proc === proc) role.proc = undefined;
      // a supervisor restarts a worker that crashed on its own, as production would, after a back-off
      if (!expected && !this.stopping && kind === 'worker' && this.crashRestarts < this.maxCrashRestarts) {
        const wait = WORKER_RESTART_DELAYS_MS[Math.min(this.crashRestarts++, WORKER_RESTART_DELAYS_MS.length - 1)];
        // unref'd: an orchestrator that is done does not wait for a restart nobody needs
        void sleep(wait, undefined, { ref: false })
          .then(() => (this.stopping || role.proc ? undefined : this.startWorkerAs(role))) // a fault restarted it meanwhile
          .catch(() => undefined);
      }
      // and a service manager an engine process that stopped on its own once it had run (a PostgreSQL that PANICked)
      if (!expected && !this.stopping && part !== undefined && this.engineUp) void this.superviseEngine();
    });
    return proc;
  }

  /**
   * Restarts the engine's dead processes after one of them exited on its own, as systemd's `Restart=on-failure` would:
   * after ENGINE_RESTART_DELAYS_MS[n], again with the next wait while it exits before it answers, at most that many
   * times in a case. The exits and the starts are in the history; a fault that restarts the engine meanwhile wins.
   */
  private async superviseEngine(): Promise<void> {
    if (this.supervising) return;
    this.supervising = true;
    try {
      while (!this.stopping && this.engineCrashRestarts < ENGINE_RESTART_DELAYS_MS.length) {
        // unref'd: an orchestrator that is done does not wait for a restart nobody needs
        await sleep(ENGINE_RESTART_DELAYS_MS[this.engineCrashRestarts++], undefined, { ref: false });
        if (this.stopping) return;
        if (this.engine.proc && [...this.companions.values()].every((r) => r.proc)) return; // a fault restarted it meanwhile
        try {
          await this.startEngine();
          // the case ended while it was starting: stopAll may have passed its role already
          if (this.stopping) await this.stopRoles([this.engine, ...this.companions.values()]);
          return;
        } catch {
          // it exited again before it answered (the disk is still full): wait longer
        }
      }
    } finally {
      this.supervising = false;
    }
  }
}

/** An engine process that exited before the engine answered. */
class EngineExited extends Error {
  readonly bySignal: boolean;
  constructor(name: string, exit: { code: number | null; signal: string | null }, log: string) {
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    super(`${name} exited (${how}) before the engine answered${log ? `; the end of its log:\n${log}` : ''}`);
    this.bySignal = exit.signal !== null;
  }
}

/** The last lines of a log file, or '' when there is none. */
function tail(file: string, lines = 12): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
