import type { FaultSpec } from '../store/types.js';
import type { ReleaseAction } from '../world/protocol.js';
import type { Trigger } from './trigger.js';

/** What a fault may do to the case while it fires. */
export interface FaultContext {
  /** SIGKILLs the worker's process group and waits until it is gone (recorded in the history). */
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** Present when the adapter has an engine. */
  killEngine?(): Promise<void>;
  startEngine?(): Promise<void>;
  pauseWorker(): void;
  resumeWorker(): void;
  setResource(id: string, value: unknown): void;
  sleep(ms: number): Promise<void>;
}

/** How a fault fires: what the held request becomes, and what happens once it is released. */
export interface Firing {
  release: ReleaseAction;
  /** Runs after the release; the fault heals when it resolves. */
  after?: () => Promise<void>;
}

/** One kind of trouble (a nemesis). */
export interface Fault {
  name: string;
  /** One line for `ordeal list`. */
  description: string;
  /** Only for adapters with an engine process. */
  needsEngine?: boolean;
  /** Trigger kinds this fault can fire on; undefined means any. */
  triggers?: Trigger['kind'][];
  /** Checks the fault's parameters; throws an InputError naming the bad one. */
  validate?(spec: FaultSpec): void;
  fire(ctx: FaultContext, spec: FaultSpec, trigger: Trigger): Promise<Firing>;
}
