import type { RunRecord } from '../store/types.js';

/** What proves an anomaly: history ops, ledger entries or spans, by their position. */
export interface Witnesses {
  ops?: number[];
  ledger?: number[];
  spans?: string[];
}

export interface Anomaly {
  /** e.g. `duplicate`, `lost`, `unexpected`, `stuck`, `failed`, `wrong-answer`, `workspace-mismatch`. */
  kind: string;
  /** One sentence a newcomer understands. */
  message: string;
  witnesses: Witnesses;
}

export type Validity = true | false | 'unknown';

export interface CheckResult {
  valid: Validity;
  anomalies: Anomaly[];
  metrics: Record<string, number>;
}

export interface Checker {
  name: string;
  /** One line for `ordeal list`. */
  description: string;
  /** Every metric `check` may report (a gate threshold must name one of them). */
  metrics: readonly string[];
  check(run: RunRecord): CheckResult;
}

export interface Verdict {
  valid: Validity;
  checks: Record<string, CheckResult>;
  metrics: Record<string, number>;
  replay: string;
}
