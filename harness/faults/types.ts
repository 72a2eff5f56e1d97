import type { FaultSpec } from '../store/types.js';
import type { ReleaseAction } from '../world/protocol.js';
import type { Trigger } from './trigger.js';
import type { Scenario } from '../scenario/index.js';

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
  setResource(id: string, value: unknown): void;
  sleep(ms: number): Promise<void>;
  /** The case's scenario (fixture values for drift, for example). */
  scenario?: Scenario;
  /** Present when the schedule has network faults: the Toxiproxy proxies between worker and world, and worker and engine. */
  net?: NetControl;
}

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
  /** Values the human edits in the request's payload before approving. */
  edits?: Record<string, unknown>;
}

/** How a fault fires: what the held request becomes, and what happens once it is released. */
export interface Firing {
  release: ReleaseAction;
  /** Runs after the release; the fault heals when it resolves. */
  after?: () => Promise<void>;
}

/** A parameter a fault takes, described as data so `ordeal check` can generate and shrink it. */
export type FaultParam = (
  /** An integer in [min, max]; shrinks toward min. */
  | { type: 'integer'; min: number; max: number }
  /** One of the values; shrinks toward the first. `engineLinkOnly`: values drawn only for an adapter whose worker↔engine link can be proxied. */
  | { type: 'choice'; values: readonly (string | number | boolean)[]; engineLinkOnly?: readonly (string | number | boolean)[] }
  /** The id of one of the scenario's fixture resources. */
  | { type: 'resource' }
  /** A field of the scenario's approval payload with another value: sets the spec's `field` and `value` together. */
  | { type: 'approval-edit' }
) & {
  /** Always present in a generated schedule; otherwise it may be left out (and shrinks to left out). */
  required?: boolean;
};

/** One kind of trouble (a nemesis). */
export interface Fault {
  name: string;
  /** One line for `ordeal list`. */
  description: string;
  /** Only for adapters with an engine process. */
  needsEngine?: boolean;
  /** Trigger kinds this fault can fire on; undefined means any. */
  triggers?: Trigger['kind'][];
  /** Parameters `ordeal check` may generate (each optional in a generated schedule); undefined means none. */
  params?: Record<string, FaultParam>;
  /** Needs the Toxiproxy server between worker and world (network faults). */
  needsProxy?: boolean;
  /** Which link this spec's proxy must stand on (network faults); `engine` needs an adapter whose manifest says engineLink. */
  proxyTarget?(spec: FaultSpec): NetTarget;
  /** Environment the worker gets when the schedule has this fault. */
  workerEnv?(spec: FaultSpec): Record<string, string>;
  /** How this fault changes the simulated human. */
  human?(spec: FaultSpec, plan: HumanPlan): HumanPlan;
  /** Checks the fault's parameters; throws an InputError naming the bad one. */
  validate?(spec: FaultSpec): void;
  fire(ctx: FaultContext, spec: FaultSpec, trigger: Trigger): Promise<Firing>;
}
