/** The nemesis: fires the schedule's faults on their triggers, one at a time, each a `fault` op of process `nemesis`. */
import { setTimeout as delay } from 'node:timers/promises';
import { ensureError, HarnessError } from '../errors.js';
import { faults, parseTrigger, type FaultContext, type Trigger } from '../faults/index.js';
import type { FaultSpec, Schedule } from '../store/index.js';
import { now } from '../store/index.js';
import type { Case } from './setup.js';
import type { CrashReport } from '../faultfs/index.js';

/**
 * What a fault may do to this case: its processes, the world's resources, the Toxiproxy proxies. `ending` is aborted
 * when the case is over: a fault sleeping out its duration (`pause-worker`, `net-partition`, `disk-full`, … `ms=`) wakes
 * and heals at once, rather than keeping the command alive, and acting on processes long gone, until its time is up.
 */
function faultContext(c: Case, ending: AbortSignal): FaultContext {
  const { procs, world } = c;
  const { history } = c.folder;
  return {
    killWorker: () => procs.killWorker(),
    startWorker: () => procs.startWorker(),
    ...(procs.hasEngine ? { killEngine: (target?: string) => procs.killEngine(target), startEngine: () => procs.startEngine() } : {}),
    pauseWorker: () => procs.signalWorker('SIGSTOP'),
    resumeWorker: () => procs.signalWorker('SIGCONT'),
    startExtraWorker: () => procs.startExtraWorker(),
    redeployWorkers: (env) => procs.redeployWorkers(env),
    deployBeside: (env) => procs.deployBeside(env),
    jumpClock: async (target, ms) => {
      const clock = c.clocks[target];
      if (!clock) throw new HarnessError(`clock-jump: the ${target}'s clock is not under libfaketime in this case`, 'ORD-332');
      clock.jump(ms);
      history.append({ time: now(), process: 'nemesis', type: 'info', f: 'clock', value: { target, jumpMs: ms, offsetMs: clock.offset } });
    },
    setResource: (rid, value) => world.send({ kind: 'set-resource', id: rid, value }),
    sleep: (ms) => delay(ms, undefined, { signal: ending }).catch(() => undefined),
    scenario: c.ctx.scenario,
    ...(c.net ? { net: c.net } : {}),
    ...(c.disk
      ? {
          disk: c.disk,
          processGroups: (side) => procs.processGroups(side),
          engineCompanions: () => [...procs.companions.keys()],
          machineCrash: (crash) => machineCrash(c, crash),
        }
      : {}),
  };
}

/**
 * Runs a machine crash with the orchestrator's polling of the adapter held off, and, for an adapter without an engine
 * (whose clients in the orchestrator open the durable files themselves), its clients closed before and after: closed
 * before while the worker still runs, so that SQLite's close (not the last connection) checkpoints nothing, and after,
 * so that they reopen on what the crash left. The report is recorded as an info op of the nemesis.
 */
async function machineCrash(c: Case, crash: () => Promise<CrashReport>): Promise<CrashReport> {
  const flag = c.crashing ?? { value: false };
  flag.value = true;
  const adapter = c.procs.adapter;
  try {
    if (!c.procs.hasEngine) await adapter.close?.();
    const report = await crash();
    if (!c.procs.hasEngine) await adapter.close?.();
    c.folder.history.append({ time: now(), process: 'nemesis', type: 'info', f: 'power-loss', value: { ...report } });
    return report;
  } finally {
    flag.value = false;
  }
}

export class Nemesis {
  private readonly triggers: Trigger[];
  private readonly faultCtx: FaultContext;
  private chain = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  /** Aborted by `disarm()`: the case is over. */
  private readonly ending = new AbortController();
  /** How often each fault has fired so far (a repeating fault's later firings get op ids of their own). */
  private readonly firings = new Map<number, number>();

  /** `track` gets every firing (the case waits, briefly, for them at its end); `healed` is called after each. */
  constructor(
    private readonly c: Case,
    private readonly schedule: Schedule,
    private readonly track: (firing: Promise<unknown>) => void,
    private readonly healed: () => void,
    /** A fault that fired but could not heal (an engine or a proxy ordeal cannot restart): the case cannot go on. */
    private readonly broken: (e: HarnessError) => void = () => undefined,
  ) {
    this.triggers = schedule.map((f) => parseTrigger(f.at));
    this.faultCtx = faultContext(c, this.ending.signal);
  }

  /** Tells the world which triggers it watches for, and sets the time triggers, counted from the case's start. */
  arm(): void {
    this.c.world.send({
      kind: 'arm',
      faults: this.triggers.flatMap((t, index) => {
        if (t.kind === 'time') return [];
        const spec = this.schedule[index] as FaultSpec;
        const times = faults[spec.fault]?.times?.(spec) ?? 1;
        return [{ index, trigger: t, ...(times > 1 ? { times } : {}) }];
      }),
    });
    const elapsed = now() - this.c.startedAt;
    this.timers = this.triggers.flatMap((t, index) =>
      t.kind === 'time' ? [setTimeout(() => this.fire(index, undefined), Math.max(0, t.ms - elapsed))] : [],
    );
  }

  /** The case is over: clears the time triggers that have not fired, and wakes the faults that wait out their duration to heal now. */
  disarm(): void {
    this.timers.forEach(clearTimeout);
    this.ending.abort();
  }

  /** Resolves once every fault fired so far has healed. */
  settled(): Promise<void> {
    return this.chain;
  }

  /**
   * Fires fault `index`, after the ones fired before it; `holdId`: the world holds a request until the fault says what
   * it becomes, `detail` what the world said of it (a repeating fault's op names the call it holds, `call`).
   */
  fire(index: number, holdId: number | undefined, detail?: Record<string, unknown>): void {
    const { world, folder } = this.c;
    const { history } = folder;
    this.chain = this.chain.then(async () => {
      const spec = this.schedule[index] as FaultSpec;
      const firing = (this.firings.get(index) ?? 0) + 1;
      this.firings.set(index, firing);
      const opId = firing === 1 ? `fault-${index}` : `fault-${index}.${firing}`;
      const call = typeof detail?.heldCall === 'string' ? { call: detail.heldCall } : {};
      const again = { ...(firing > 1 ? { firing } : {}), ...call };
      history.append({ time: now(), process: 'nemesis', type: 'invoke', f: 'fault', id: opId, value: { ...spec, index, ...again } });
      let healing = false;
      try {
        const firing = await faults[spec.fault]!.fire(this.faultCtx, spec, this.triggers[index]!);
        if (holdId !== undefined) world.send({ kind: 'release', holdId, action: firing.release });
        healing = true;
        await firing.after?.();
        history.append({ time: now(), process: 'nemesis', type: 'ok', f: 'fault', id: opId, value: { ...spec, index, ...again } });
      } catch (e) {
        if (healing) {
          // the fault fired and its healing failed: the system stays broken by the harness, not by the agent
          const err = ensureError(e);
          history.append({
            time: now(),
            process: 'nemesis',
            type: 'fail',
            f: 'fault',
            id: opId,
            value: { ...spec, index, ...again, error: err.message, healed: false },
          });
          this.broken(
            new HarnessError(`fault ${spec.fault} fired but ordeal could not undo it (${err.message}); the case cannot be judged`, 'ORD-341', {
              cause: err,
            }),
          );
          return;
        }
        if (holdId !== undefined) world.send({ kind: 'release', holdId, action: { type: 'continue' } });
        history.append({
          time: now(),
          process: 'nemesis',
          type: 'fail',
          f: 'fault',
          id: opId,
          value: { ...spec, index, ...again, error: ensureError(e).message },
        });
      }
      this.healed();
    });
    this.track(this.chain);
  }
}
