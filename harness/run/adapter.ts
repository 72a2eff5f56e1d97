/** The adapter contract (ARCHITECTURE.md § Adapter contract): everything framework-specific lives behind it. */
import type { Scenario } from '../scenario/index.js';
import type { Outcome } from '../store/types.js';

/** What every adapter call gets to know about the case. */
export interface AdapterContext {
  runId: string;
  runDir: string;
  /** Data directory kept across worker and engine restarts. */
  dataDir: string;
  /** The agent's shell workspace. */
  workspace: string;
  worldUrl: string;
  /** The world's OTLP/gRPC trace receiver (`http://127.0.0.1:port`, h2c) for engines that export traces only over gRPC. */
  otlpGrpcUrl?: string;
  /** The case's W3C trace context: an adapter may pass it to its engine (e.g. on submit) so the engine's spans join the case's trace. */
  traceparent?: string;
  idempotency: 'framework' | 'none';
  scenario: Scenario;
  /** Adapter-specific options from the command line or config (`--opt key=value`), already checked against the manifest's schema. */
  options: Record<string, string>;
  /** Address of the adapter's engine once started. */
  engine?: EngineHandle;
  /**
   * Set when the data directory is the fault filesystem's mount (the schedule has power-loss, disk-full or fsync-error):
   * an adapter whose durable state otherwise lives on a shared server keeps it under the data directory for the case.
   */
  faultDisk?: boolean;
}

export interface EngineHandle {
  /** Where clients and workers reach the engine, e.g. `http://127.0.0.1:8080`. */
  url: string;
  ports: Record<string, number>;
  /**
   * host:port the dialing side of the worker↔engine link dials: the engine for a worker that dials it (Temporal, Dapr),
   * the worker's endpoint for an engine that dials its worker (Restate). For a net fault with `target=engine` the
   * orchestrator replaces it with a Toxiproxy in front of it, so an adapter hands out this address, not its own.
   */
  linkAddress?: string;
}

/** One process of the engine. */
export interface EngineCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * A host process whatever `--launcher` says: a server of the case's own that is not an official engine image's and
   * must see the case's data mount as the host does (DBOS's per-case PostgreSQL cluster for the machine faults).
   */
  native?: boolean;
}

/** How to start, health-check and restart the adapter's server. */
export interface EngineSpec {
  name: string;
  /**
   * Prepares ports and returns the command; called again on restart with the same data directory.
   * `companions` (e.g. Dapr's placement and scheduler) start before it, each its own process group named
   * `<role>#n` in the history; on a restart only the processes that are not running are started. The main
   * process is `engine#n`; `role` is what `kill-engine`'s `target=` also calls it (default: `name`).
   */
  command(
    ctx: AdapterContext,
    ports: Record<string, number> | undefined,
  ): Promise<EngineCommand & { handle: EngineHandle; role?: string; companions?: (EngineCommand & { role: string })[] }>;
  /**
   * Resolves once the engine answers; throws with a useful message after `timeoutMs`, or soon after
   * `signal` aborts (the engine process exited, or the case is over).
   */
  ready(ctx: AdapterContext, handle: EngineHandle, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Optional: once after the first start (register a deployment, create a namespace). */
  setup?(ctx: AdapterContext, handle: EngineHandle): Promise<void>;
  /**
   * Optional: the case is over and the engine is still running; wait (bounded) for what it has yet to
   * deliver before it is stopped, e.g. spans it exports in batches and does not flush on SIGTERM.
   */
  settle?(ctx: AdapterContext, handle: EngineHandle): Promise<void>;
}

export interface WorkerSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** What `submit` returns: enough to approve and observe the run later. */
export interface RunHandle {
  id: string;
  [k: string]: unknown;
}

export interface ApprovalDecision {
  /** The approval request's id as the world received it. */
  approvalId: string;
  approved: boolean;
  /** Values the human edited, if any. */
  values?: Record<string, unknown>;
}

/**
 * What an adapter does; what it declares (description, options, engine presence, engineLink, flags) is in its
 * manifest (`harness/run/manifest.ts`), whose `load()` returns this.
 */
export interface Adapter {
  name: string;
  /**
   * Its engine for these options (the case's raw `--opt`s): present exactly when the manifest says `hasEngine`, except
   * that an adapter without one may give an engine for a case with `ctx.faultDisk` (DBOS: a PostgreSQL cluster of the
   * case's own on the data directory, which `power-loss` can then kill and restart).
   */
  engine?(options: Record<string, string>, ctx?: Readonly<AdapterContext>): EngineSpec | undefined;
  /**
   * The worker process to start. `deployment` is 1, except for the workers a blue-green deploy starts beside the
   * running ones (`deploy rollout=blue-green`, only when the manifest declares `deploy.blueGreen`): 2, which may need
   * an endpoint or an application version of their own.
   */
  worker(ctx: AdapterContext, deployment?: number): WorkerSpec;
  /** Called once the worker process is ready to be told about the run (optional: e.g. to wait for registration), with the worker's deployment. */
  workerReady?(ctx: AdapterContext, deployment?: number): Promise<void>;
  submit(ctx: AdapterContext): Promise<RunHandle>;
  approve(ctx: AdapterContext, handle: RunHandle, decision: ApprovalDecision): Promise<void>;
  outcome(ctx: AdapterContext, handle: RunHandle): Promise<Outcome>;
  /**
   * Optional, for an adapter without an engine process whose worker dials a server the case does not start (DBOS's
   * PostgreSQL): prepares it for the case before the worker starts and returns its handle, which the case treats as
   * the engine's (`ctx.engine`); its `linkAddress` is what a net fault with target=engine puts Toxiproxy in front of.
   */
  service?(ctx: AdapterContext): Promise<EngineHandle>;
  /**
   * Optional, for `ordeal bench`: `n` latencies (ms) of one durable commit on the store its steps are recorded in, measured
   * directly (e.g. a one-row INSERT on PostgreSQL), and what that store is; the bench reports it as the adapter's own floor.
   */
  commitFloor?(n: number): Promise<{ store: string; latenciesMs: number[] }>;
  /** Releases clients the adapter opened in the orchestrator. */
  close?(): Promise<void>;
}

/** Environment every worker gets (documented in README "Add an adapter" and ARCHITECTURE.md § Adapter contract). */
export function workerEnv(ctx: AdapterContext): Record<string, string> {
  return {
    ORDEAL_RUN_ID: ctx.runId,
    ORDEAL_WORLD_URL: ctx.worldUrl,
    ORDEAL_DATA_DIR: ctx.dataDir,
    ORDEAL_WORKSPACE: ctx.workspace,
    ORDEAL_IDEMPOTENCY: ctx.idempotency,
    ORDEAL_PARENT_PID: String(process.pid),
    ORDEAL_OPTIONS: JSON.stringify(ctx.options),
    ...(ctx.engine ? { ORDEAL_ENGINE_URL: ctx.engine.url } : {}),
  };
}
