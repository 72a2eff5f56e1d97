/** The run folder's records (ARCHITECTURE.md § The run folder): the only input of checkers and reports. */
import type { Scenario } from '../scenario/index.js';

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/**
 * One history operation, Jepsen style: an `invoke` is completed by an `ok`, `fail` or `info`
 * (outcome unknown) with the same `id`; one-shot events (process start/death, probes) are `info` alone.
 */
export interface Op {
  /** Position in the history, from 0. */
  index: number;
  /** Wall-clock time in epoch milliseconds (fractional). */
  time: number;
  /** Who did it: `worker#1`, `worker#2`, `engine#1`, `world`, `nemesis`, `human`, `orchestrator`. */
  process: string;
  type: OpType;
  /** What: `llm`, `effect`, `tool`, `probe`, `approval`, `resource`, `fault`, `start`, `death`, `submit`, `outcome`. */
  f: string;
  value: Record<string, unknown>;
  pid?: number;
  /** Pairs an invoke with its completion. */
  id?: string;
}

export type LedgerOutcome = 'applied' | 'deduplicated' | 'rejected';

/** One effect request as the world received it. */
export interface LedgerEntry {
  seq: number;
  time: number;
  /** Logical effect id (from the scenario's cassette), or `<type>:unexpected:<hash>`. */
  effect: string;
  type: string;
  key: string | null;
  outcome: LedgerOutcome;
  /** 1 for the first request for this logical effect, 2 for the next, … */
  attempt: number;
  pid: number | null;
  args: Record<string, unknown>;
  /** Why a request was rejected. */
  reason?: string;
}

/** A span as stored in spans.jsonl (flattened OTLP). */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

export type Outcome = { status: 'completed'; answer: string } | { status: 'failed'; error: string } | { status: 'running' };

/** One fault of a schedule. */
export interface FaultSpec {
  fault: string;
  /** The trigger, e.g. `after-effect:1`, `approval:waiting`, `t+500ms`. */
  at: string;
  [param: string]: unknown;
}

export type Schedule = FaultSpec[];

/** run.json: what was run. */
export interface RunInfo {
  id: string;
  adapter: string;
  /** A team's own adapter: its module's file (`ordeal replay` loads it again). */
  adapterModule?: string;
  scenario: string;
  scenarioFile?: string;
  schedule: Schedule;
  seed: number;
  /** fast-check path when the case came from `ordeal check`. */
  path?: string;
  idempotency: 'framework' | 'none';
  options: Record<string, unknown>;
  /** The attempts the adapter's retry policy gives a step (a model or tool call) with these options (its manifest's `stepAttempts`), when it declares one. */
  stepAttempts?: number;
  /** How long the harness waited for the run to finish (`--timeout`, else the adapter's `caseTimeoutMs`); `ordeal replay` waits as long. */
  timeoutMs?: number;
  versions: Record<string, string>;
  startedAt: string;
  finishedAt?: string;
  /** A harness failure that prevented a verdict. */
  error?: string;
}

/** Everything a checker may read about one case. */
export interface RunRecord {
  dir: string;
  info: RunInfo;
  scenario: Scenario;
  history: Op[];
  ledger: LedgerEntry[];
  spans: SpanRecord[];
  outcome: Outcome;
  /** Final workspace files (relative path → content). */
  workspace: Record<string, string>;
  /** False when the run folder was left unfinished (the orchestrator died). */
  complete: boolean;
}
