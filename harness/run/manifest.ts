/**
 * An adapter's manifest: everything the CLI, the planner and `ordeal list` need to know about an adapter without
 * loading it (its options, whether it has an engine, its flags), and `load()` for the adapter itself. Light: the
 * heavy framework code is behind `load()`.
 */
import type { Adapter, EngineSpec } from './adapter.js';
import type { DeploySupport, EngineClock } from './time-support.js';
import { parseOptions, type OptionSchema, type ParsedOptions, type RawOptions } from './options.js';

export interface AdapterManifest<S extends OptionSchema = OptionSchema> {
  /** The `--adapter` name (kebab-case). */
  name: string;
  /** One line for `ordeal list`. */
  description: string;
  /** Its options (`--opt key=value`); absent: options are passed to the adapter unchecked (a user's adapter without a schema). */
  options?: S;
  /** Rules across options, run after each option parsed (throw a UsageError with ORD-110). `raw` says which were given. */
  check?(options: ParsedOptions<S>, raw: RawOptions): void;
  /** Whether it has an engine process (so `kill-engine` applies); its Adapter then has `engine(options)`. */
  hasEngine: boolean;
  /** Its engine's handle has a `linkAddress` the worker↔engine traffic goes through: net faults may take `target=engine`. */
  engineLink?: boolean;
  /**
   * The processes of its engine that `kill-engine target=` may name for these options (besides `engine`, the main
   * one), e.g. full Dapr's `['daprd', 'placement', 'scheduler']`; a target outside them is refused before any case starts.
   */
  engineProcesses?(options: RawOptions): readonly string[];
  /**
   * The installed engines (names in `ordeal engines status`) its cases need with default options, e.g. `['restate']`:
   * what `ordeal list` shows and what the test suite checks before running it.
   */
  requires?: readonly string[];
  /**
   * How a version 2 of its agent ships (the `deploy` fault): the changes its version 2 can carry, and the framework's
   * versioning tool behind `--opt versioning=on`. Absent: a schedule with `deploy` is refused (exit 2).
   */
  deploy?: DeploySupport;
  /** Whether `clock-jump target=engine` can move its engine's wall clock; absent: refused (exit 2) as undeclared. */
  engineClock?: EngineClock;
  /** Whether `clock-jump target=worker` can move its worker's wall clock; absent: it can (a Node worker reads it through libc). */
  workerClock?: EngineClock;
  /**
   * The language its agent loop is written in, when not JavaScript: `ordeal bench` weighs an adapter whose workers are
   * `python` against the bare loop by hand in Python (`× bare loop`), the language its users write.
   */
  workerLanguage?: 'python';
  /** A user's adapter registered at run time: the module's file, which run.json records and `ordeal replay` loads again. */
  module?: string;
  /**
   * Where its durable state lives with these options: `paths` under the case's data directory (`<run>/data`, which the
   * machine faults' filesystem covers), and `outside` when part of it is kept elsewhere (a shared server's) that a power
   * cut of the case cannot reach: power-loss, disk-full and fsync-error are then refused (exit 2), naming it. Absent:
   * everything it keeps is under the data directory.
   */
  durableState?(options: RawOptions): DurableState;
  /** How long a case may take before it counts as stuck, when the user does not say (`--timeout`); default 60 s. */
  caseTimeoutMs?: number;
  /**
   * How many attempts the retry policy it gives a step (a model or tool call) allows with these options, as the adapter configures its
   * framework (e.g. Temporal's `maximumAttempts`). The `retry-bound` checker holds a crash-looping call to it; absent:
   * the adapter sets no bound, and the checker judges nothing.
   */
  stepAttempts?(options: RawOptions): number | undefined;
  /**
   * How much longer a case may take for each engine kill after the first (`kill-engine`, `power-loss` whose target is not
   * only the worker), for an engine that holds a killed instance's work locked for a fixed time; absent: 0.
   */
  engineRecoveryMs?(options: RawOptions): number;
  /** Command-line flags of its own, each the same as an `--opt`: flag (without `--`) → option name. */
  flags?: Record<string, string>;
  /** The adapter itself: a fresh object with its own clients (import its heavy modules here). */
  load(): Promise<Adapter>;
}

/** An adapter's durable state (see `AdapterManifest.durableState`). */
export interface DurableState {
  /** Files and directories under the case's data directory that hold it, e.g. `['journal.db']`. */
  paths: readonly string[];
  /** What of it lives outside the data directory, and where (set: machine faults are refused on it). */
  outside?: string;
}

/** The faults of `schedule` that kill the adapter's engine: `kill-engine`, and `power-loss` unless `target=worker`. */
export function engineKills(schedule: readonly { fault: string; target?: unknown }[]): number {
  return schedule.filter((f) => f.fault === 'kill-engine' || (f.fault === 'power-loss' && f.target !== 'worker')).length;
}

/** How long a case of this schedule may take before it counts as stuck when the user does not say (`--timeout`). */
export function caseTimeoutOf(m: AdapterManifest, schedule: readonly { fault: string; target?: unknown }[], options: RawOptions): number {
  const extra = m.hasEngine ? Math.max(0, engineKills(schedule) - 1) * (m.engineRecoveryMs?.(options) ?? 0) : 0;
  return (m.caseTimeoutMs ?? 60_000) + extra;
}

/** Declares a manifest, keeping the exact types of its options for `parseAdapterOptions`. */
export const defineAdapter = <const S extends OptionSchema>(m: AdapterManifest<S> & { options: S }): AdapterManifest<S> & { options: S } => m;

/** The typed options of a manifest made with `defineAdapter`. */
export type AdapterOptions<M> = M extends { options: infer S extends OptionSchema } ? ParsedOptions<S> : RawOptions;

/** An adapter's options, parsed and checked against its manifest (a manifest without a schema passes them through). */
export function parseAdapterOptions<S extends OptionSchema>(m: AdapterManifest<S> & { options: S }, raw: RawOptions): ParsedOptions<S>;
export function parseAdapterOptions(m: AdapterManifest, raw: RawOptions): Record<string, unknown>;
export function parseAdapterOptions(m: AdapterManifest, raw: RawOptions): Record<string, unknown> {
  if (!m.options) return { ...raw };
  const parsed = parseOptions(m.options, raw, m.name);
  m.check?.(parsed, raw);
  return parsed;
}

/**
 * What a user's adapter module exports: an Adapter with its description, and optionally what a manifest declares
 * (`options` schema, `check`, `engineLink`, `caseTimeoutMs`, `durableState`, `engineRecoveryMs`, `stepAttempts`,
 * `workerClock`, `workerLanguage`). Its `engine` may be
 * an EngineSpec or `engine(options)`; `durableState` and `engineRecoveryMs` a value or a function of the options.
 */
export interface UserAdapter
  extends
    Omit<Adapter, 'engine'>,
    Partial<Pick<AdapterManifest, 'description' | 'options' | 'check' | 'engineLink' | 'caseTimeoutMs' | 'workerClock' | 'workerLanguage'>> {
  engine?: EngineSpec | ((options: RawOptions) => EngineSpec);
  /** Where the agent's durable state lives: its files under the case's data directory, and `outside` if any is elsewhere (machine faults are then refused). */
  durableState?: DurableState | ((options: RawOptions) => DurableState);
  /** Extra case time per engine kill after the first (see AdapterManifest.engineRecoveryMs). */
  engineRecoveryMs?: number | ((options: RawOptions) => number);
  /** The attempts its retry policy gives a step (see AdapterManifest.stepAttempts). */
  stepAttempts?: number | ((options: RawOptions) => number);
}

const asFunction = <T>(v: T | ((options: RawOptions) => T)): ((options: RawOptions) => T) =>
  typeof v === 'function' ? (v as (options: RawOptions) => T) : () => v;

/** The manifest of a user's adapter: its options pass through unchecked unless it declares a schema. */
export function manifestFromAdapter(user: UserAdapter): AdapterManifest {
  const {
    description,
    options,
    check,
    engineLink,
    caseTimeoutMs,
    engine,
    durableState,
    engineRecoveryMs,
    stepAttempts,
    workerClock,
    workerLanguage,
  } = user;
  // an EngineSpec object becomes `engine(options)`; the user's object stays `this` for its own methods
  const adapter = (engine && typeof engine !== 'function' ? Object.assign(Object.create(user) as object, { engine: () => engine }) : user) as Adapter;
  return {
    name: user.name,
    description: description ?? user.name,
    ...(options ? { options } : {}),
    ...(check ? { check } : {}),
    hasEngine: engine !== undefined,
    engineLink: engineLink === true,
    ...(caseTimeoutMs ? { caseTimeoutMs } : {}),
    ...(durableState ? { durableState: asFunction(durableState) } : {}),
    ...(engineRecoveryMs !== undefined ? { engineRecoveryMs: asFunction(engineRecoveryMs) } : {}),
    ...(stepAttempts !== undefined ? { stepAttempts: asFunction(stepAttempts) } : {}),
    ...(workerClock ? { workerClock } : {}),
    ...(workerLanguage ? { workerLanguage } : {}),
    load: async () => adapter,
  };
}
