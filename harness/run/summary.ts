import type { Validity } from '../checks/index.js';
import { formatFault } from '../faults/index.js';
import type { CaseResult } from './run-case.js';

/** One case as `--json` prints it and the table shows it. */
export interface CaseSummary {
  adapter: string;
  scenario: string;
  idempotency: string;
  schedule: unknown[];
  valid: Validity;
  runDir: string;
  replay: string;
  checks: Record<string, { valid: Validity; anomalies: { kind: string; message: string; witnesses: unknown }[] }>;
  /** Faults of the schedule that fired (a trigger the run never reached leaves its fault unfired). */
  faultsFired: number;
  /** The scenario has no `expect`: the case was judged against this calm (fault-free) run's folder. */
  calmRun?: string;
}

export function summarize(r: Pick<CaseResult, 'runDir' | 'verdict' | 'info'>): CaseSummary {
  return {
    adapter: r.info.adapter,
    scenario: r.info.scenario,
    idempotency: r.info.idempotency,
    schedule: r.info.schedule,
    valid: r.verdict.valid,
    runDir: r.runDir,
    replay: r.verdict.replay,
    checks: Object.fromEntries(Object.entries(r.verdict.checks).map(([k, c]) => [k, { valid: c.valid, anomalies: c.anomalies }])),
    faultsFired: Number(r.verdict.checks['faults-applied']?.metrics.fired ?? r.info.schedule.length),
  };
}

/** "1 of 2 faults never fired …" when the run did not reach a trigger of its schedule, else ''. */
export function unfiredNote(s: CaseSummary): string {
  const missed = s.schedule.length - s.faultsFired;
  return missed > 0
    ? `${missed} of ${s.schedule.length} fault${s.schedule.length > 1 ? 's' : ''} never fired: the run did not reach ${missed > 1 ? 'their triggers' : 'its trigger'}`
    : '';
}

/** The first anomaly of a case in one sentence, or '' when there is none. */
export function firstAnomaly(s: CaseSummary): string {
  for (const [name, c] of Object.entries(s.checks)) {
    const a = c.anomalies[0];
    if (a && c.valid !== true) return `${name}: ${a.message}`;
  }
  return '';
}

export function scheduleLabel(schedule: unknown[]): string {
  return schedule.length === 0 ? '(no fault)' : schedule.map((f) => formatFault(f as never)).join(' + ');
}

/** false beats unknown beats true, over cases. */
export function overall(cases: { valid: Validity }[]): Validity {
  if (cases.some((c) => c.valid === false)) return false;
  if (cases.some((c) => c.valid !== true)) return 'unknown';
  return true;
}
