import type { FaultSpec } from '../store/types.js';
import type { ReleaseAction } from '../world/protocol.js';
import type { Trigger } from './trigger.js';
import type { Scenario } from '../scenario/index.js';
import type { CrashReport, DiskControl } from '../faultfs/index.js';

/** What a fault may do to the case while it fires. */
export interface FaultContext {
  /** SIGKILLs the worker's process group and waits until it is gone (recorded in the history). */
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** Present when the adapter has an engine; `target` names one of its processes (default: the main one). */
  killEngine?(target?: string): Promise<void>;
  startEngine?(): Promise<void>;
  pauseWorker(): void;
  resumeWorker(): void;
  /** Starts one more worker beside the running one (a second replica, same data and engine), up until the case ends. */
  startExtraWorker?(): Promise<void>;
  /**
   * Stops every worker as a rollout does (SIGTERM, SIGKILL after a grace period) and starts each again with `env`
   * added; later restarts keep it (a deploy of version 2).
   */
  redeployWorkers?(env: Record<string, string>): Promise<void>;
  /**
   * Starts a worker with `env` added beside each running one (a blue-green deploy of version 2): the adapter is asked
   * for deployment 2's worker, and the running ones, deployment 1, keep running until the case ends.
   */
  deployBeside?(env: Record<string, string>): Promise<void>;
  /** Moves the wall clock of the case's workers or engine by `ms` (libfaketime); present when the schedule has a clock-jump. */
  jumpClock?(target: ClockTarget, ms: number): Promise<void>;
  setResource(id: string, value: unknown): void;
  sleep(ms: number): Promise<void>;
  /** The case's scenario (fixture values for drift, for example). */
  scenario?: Scenario;
  /** Present when the schedule has network faults: the Toxiproxy proxies between worker and world, and worker and engine. */
  net?: NetControl;
  /** Present when the schedule has disk faults: the fault filesystem mounted over the case's data directory. */
  disk?: DiskControl;
  /** The engine's companion processes by role (e.g. full Dapr's placement and scheduler): a power cut kills them too. */
  engineCompanions?(): string[];
  /** The process groups (one per incarnation so far) of the worker's or the engine's processes, companions included. */
  processGroups?(side: 'worker' | 'engine'): number[];
  /**
   * A machine crash: runs `crash` with the adapter's own clients in the orchestrator stopped (those of an adapter
   * without an engine open the durable files themselves, as a process of the crashed machine), records its report.
   */
  machineCrash?(crash: () => Promise<CrashReport>): Promise<CrashReport>;
}

/** Whose wall clock a clock-jump moves. */
export type ClockTarget = 'worker' | 'engine';

/** Which link a network fault cuts: worker↔world (default) or worker↔engine. */
export type NetTarget = 'world' | 'engine';

/** Toxics on the Toxiproxy proxies of the case. */
export interface NetControl {
  /** Adds a toxic to both directions of the proxy on `target`; returns the names to remove. */
  addToxic(type: 'latency' | 'reset_peer' | 'timeout', attributes: Record<string, number>, target?: NetTarget): Promise<string[]>;
  removeToxics(names: string[], target?: NetTarget): Promise<void>;
}

/** How the simulated human answers approval requests; human-* faults change it. */
export interface HumanPlan {
  approved: boolean;
  delayMs: number;
  /** How many times the decision is delivered. */
  times: number;
  /** How long after a delivery the next one is sent (human-twice `gapMs`; 200 when unset). */
  gapMs?: number;
  /** Values the human edits in the request's payload before approving. */
  edits?: Record<string, unknown>;
}

/** How a fault fires: what the held request becomes, and what happens once it is released. */
export interface Firing {
  release: ReleaseAction;
  /** Runs after the release; the fault heals when it resolves. */
  after?: () => Promise<void>;
}

/** The longest delay a fault may ask for: Node's timers turn anything longer into 1 ms. */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * One parameter of a fault, declared once: its checking, its default, what `ordeal check` draws of it and its line in
 * `ordeal list` all derive from this. `draw` marks what `ordeal check` may generate (left out otherwise).
 */
export type ParamSpec =
  /** A whole number in [min, max]; `unit` ms or s marks a delay (its max must keep it under MAX_DELAY_MS). Draws in `draw`, shrinking toward its min. */
  (
    | { type: 'integer'; min: number; max: number; default?: number; unit?: 'ms' | 's'; draw?: { min: number; max: number } }
    /** One of the values. Draws shrink toward the first; `engineLinkOnly`: drawn only for an adapter whose worker↔engine link can be proxied. */
    | { type: 'choice'; values: readonly string[]; default?: string; draw?: true | { engineLinkOnly: readonly string[] } }
    /** The id of one of the scenario's fixture resources. */
    | { type: 'resource'; draw?: true }
    /** A field of the scenario's approval payload; drawn together with the new `value`, never the asked one. */
    | { type: 'approval-edit'; draw?: true }
    /** A non-empty string. */
    | { type: 'string'; default?: string }
    /** A value as given: a string, a number or true/false. */
    | { type: 'scalar' }
  ) & {
    /** One line: what the parameter does (its form and default are added from the declaration). */
    doc: string;
    /** Must be given (and is always drawn by `ordeal check`). */
    required?: boolean;
  };

export type ParamSchema = Record<string, ParamSpec>;

type ValueOf<P extends ParamSpec> = P extends { type: 'integer' }
  ? number
  : P extends { type: 'choice'; values: readonly (infer V)[] }
    ? V
    : P extends { type: 'scalar' }
      ? string | number | boolean
      : string;

/** The parameters a fault's functions receive: checked, typed, defaults filled in. */
export type Params<S extends ParamSchema> = {
  readonly [K in keyof S]: S[K] extends { default: unknown } | { required: true } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** What a fault's file declares (`defineFault`): its parameters once, and functions that receive them typed. */
export interface FaultDefinition<S extends ParamSchema> {
  name: string;
  /** One line for `ordeal list` (the parameters' lines are added from `params`). */
  description: string;
  needsEngine?: boolean;
  triggers?: Trigger['kind'][];
  params: S;
  needsProxy?: boolean;
  /** Needs the fault filesystem over the case's data directory (disk faults). */
  needsDisk?: boolean;
  /** Checks between parameters, after each was checked on its own; throws an InputError naming them. */
  validate?(p: Params<S>): void;
  // called detached from the definition (defineFault wraps them), so they must not use `this`
  proxyTarget?(this: void, p: Params<S>): NetTarget;
  workerEnv?(this: void, p: Params<S>): Record<string, string>;
  human?(this: void, p: Params<S>, plan: HumanPlan): HumanPlan;
  /** How many times the fault fires: once at its trigger, then again on each later request for the same call (default 1). */
  times?(this: void, p: Params<S>): number;
  fire(ctx: FaultContext, p: Params<S>, trigger: Trigger): Promise<Firing>;
}

/** One kind of trouble (a nemesis), as the registry and the orchestrator use it: every function takes the raw spec. */
export interface Fault {
  name: string;
  /** One line for `ordeal list`. */
  description: string;
  /** Only for adapters with an engine process. */
  needsEngine?: boolean;
  /** Trigger kinds this fault can fire on; undefined means any. */
  triggers?: Trigger['kind'][];
  /** Every parameter the fault takes. */
  params: ParamSchema;
  /** Needs the Toxiproxy server between worker and world (network faults). */
  needsProxy?: boolean;
  /** Needs the fault filesystem over the case's data directory (power-loss, disk-full, fsync-error). */
  needsDisk?: boolean;
  /** Which link this spec's proxy must stand on (network faults); `engine` needs an adapter whose manifest says engineLink. */
  proxyTarget?(spec: FaultSpec): NetTarget;
  /** Environment the worker gets when the schedule has this fault. */
  workerEnv?(spec: FaultSpec): Record<string, string>;
  /** How this fault changes the simulated human. */
  human?(spec: FaultSpec, plan: HumanPlan): HumanPlan;
  /** How many times this spec fires on one logical call (the world re-arms it on that call's later requests); default 1. */
  times?(spec: FaultSpec): number;
  /** Checks the fault's parameters; throws an InputError (exit 2) naming the bad one. */
  validate(spec: FaultSpec): void;
  fire(ctx: FaultContext, spec: FaultSpec, trigger: Trigger): Promise<Firing>;
}
