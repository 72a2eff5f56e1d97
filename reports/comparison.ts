/** The comparison every renderer shares: cases, the matrix adapter variants × scenarios × faults → verdicts, the scoreboard. Built once per report. */
import type { BenchResult } from '../bench/index.js';
import { findAdapter } from '../adapters/index.js';
import { quantile } from '../harness/stats.js';
import type { Anomaly, Verdict, Witnesses } from '../harness/checks/index.js';
import { formatFault } from '../harness/faults/index.js';
import type { FaultSpec } from '../harness/store/index.js';
import type { LoadedRun } from './load.js';
import { buildTimeline, duplicateEntries, type Timeline } from './timeline.js';

export type CaseStatus = 'valid' | 'invalid' | 'unknown' | 'incomplete';

export interface CaseAnomaly extends Anomaly {
  checker: string;
  /** The checker is `valid: true` yet reported this (informational). */
  informational: boolean;
}

export interface CaseReport {
  /** Stable id for links (the run id). */
  id: string;
  dir: string;
  adapter: string;
  /** The adapter options the case ran with (run.json), part of its identity. */
  options: Record<string, string>;
  /** What ran: the adapter and its options, e.g. `langgraph · api=functional` (see variantOf). */
  variant: string;
  scenario: string;
  /** The fault schedule in one label, e.g. `kill-worker@after-effect:1`, or `(no fault)`. */
  fault: string;
  idempotency: string;
  seed?: number;
  status: CaseStatus;
  /** One sentence when the folder is incomplete. */
  problem?: string;
  anomalies: CaseAnomaly[];
  replay: string;
  metrics: Record<string, number>;
  checks: Record<string, CaseStatus>;
  durationMs?: number;
  answer?: string;
  duplicates: number[];
  /** The scenario has no `expect`: the case was judged against this calm (fault-free) run's folder. */
  calmRun?: string;
  timeline?: Timeline;
  run: LoadedRun;
}

export interface MatrixRow {
  scenario: string;
  fault: string;
  idempotency: string;
  /** variant → cases (normally one). */
  cells: Record<string, CaseReport[]>;
}

export interface Comparison {
  generatedAt: string;
  adapters: string[];
  /** One matrix column and one scoreboard row each (see variantOf), sorted. */
  variants: string[];
  scenarios: string[];
  rows: MatrixRow[];
  cases: CaseReport[];
  totals: Record<CaseStatus, number>;
  scoreboard: ScoreRow[];
  /** A bench result to show beside the cases (`ordeal report --bench bench.json`). */
  bench?: BenchResult;
}

export const STATUS_ORDER: CaseStatus[] = ['invalid', 'incomplete', 'unknown', 'valid'];

/** The worse of two statuses (invalid beats incomplete beats unknown beats valid). */
export function worst(statuses: CaseStatus[]): CaseStatus {
  return STATUS_ORDER.find((s) => statuses.includes(s)) ?? 'valid';
}

const statusOf = (v: unknown): CaseStatus => (v === true ? 'valid' : v === false ? 'invalid' : 'unknown');

export function faultLabel(schedule: unknown): string {
  if (!Array.isArray(schedule) || schedule.length === 0) return '(no fault)';
  return schedule
    .map((f) => {
      try {
        return formatFault(f as FaultSpec);
      } catch {
        return JSON.stringify(f);
      }
    })
    .join(' + ');
}

/** The scoreboard's columns, shared by the HTML and Markdown renderers: header, then the cell of a row as text. */
export const SCORE_COLUMNS: [string, (r: ScoreRow) => string][] = [
  ['adapter variant', (r) => r.variant],
  ['cases', (r) => String(r.cases)],
  ['valid', (r) => String(r.counts.valid)],
  ['invalid', (r) => String(r.counts.invalid)],
  ['unknown', (r) => String(r.counts.unknown)],
  ['incomplete', (r) => String(r.counts.incomplete)],
  ['guarantees broken (cases)', (r) => r.broken.map(([g, n]) => `${g} ×${n}`).join(', ') || 'none'],
  ['recovery p50 ms', (r) => (r.recoveryMs ? String(r.recoveryMs.p50) : '—')],
  ['recovery max ms', (r) => (r.recoveryMs ? String(r.recoveryMs.max) : '—')],
  ['re-executed steps', (r) => String(r.reexecutedSteps ?? '—')],
  ['repeated model calls', (r) => String(r.repeatedModelCalls ?? '—')],
  ['re-spent tokens', (r) => String(r.respentTokens ?? '—')],
];

/** What the scoreboard's figures are, in one sentence. */
export const SCORE_NOTE =
  'One row per adapter variant (the adapter and the options it ran with). Guarantees broken: each checker that found a violation, and in how many cases. ' +
  "Recovery: each case's longest time from a disruption to the next progress (recovery.maxRecoveryMs), p50 and max over the cases that had one. " +
  'Re-executed steps, repeated model calls and re-spent tokens: sums over the cases (wasted-work).';

/** Witnesses in words: `ledger #1, #2; history ops #28, #36`. */
export function witnessText(w: Witnesses | undefined): string {
  if (!w) return '';
  const parts: string[] = [];
  if (w.ledger?.length) parts.push(`ledger ${w.ledger.map((n) => `#${n}`).join(', ')}`);
  if (w.ops?.length) parts.push(`history ops ${w.ops.map((n) => `#${n}`).join(', ')}`);
  if (w.spans?.length) parts.push(`spans ${w.spans.join(', ')}`);
  return parts.join('; ');
}

/**
 * A case's adapter variant: the adapter, then the options run.json records, sorted by key (`temporal · heartbeatMs=2000`).
 * run.json records only the options the user passed, and an option given at its default value (`--opt api=graph` on
 * langgraph) is left out too, so an adapter run at its defaults is its name alone, however it was asked for.
 */
export function variantOf(adapter: string, options: Record<string, unknown> | undefined): string {
  const defaults = findAdapter(adapter)?.options ?? {};
  const given = Object.entries(options ?? {}).filter(([k, v]) => {
    const d = defaults[k]?.default;
    return d === undefined || String(d) !== (typeof v === 'string' ? v : JSON.stringify(v));
  });
  return [adapter, ...optionLabels(Object.fromEntries(given))].join(' · ');
}

/** `key=value` for each option, sorted by key. */
export function optionLabels(options: Record<string, unknown> | undefined): string[] {
  return Object.entries(options ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

/**
 * Where the scoreboard reads each figure among a verdict's metrics (`checker.metric`). The one place that names them,
 * so a renamed or merged metric is a one-line change here.
 */
export const SCORE_METRICS = {
  recoveryMs: 'recovery.maxRecoveryMs',
  reexecutedSteps: 'wasted-work.reexecutedSteps',
  repeatedModelCalls: 'wasted-work.repeatedLlmCalls',
  respentTokens: 'wasted-work.respentTokens',
} as const;
export type ScoreMetric = keyof typeof SCORE_METRICS;

/** A case's figure for a scoreboard metric; undefined when its verdict does not hold it. */
export function scoreMetric(c: Pick<CaseReport, 'metrics'>, name: ScoreMetric): number | undefined {
  const v = c.metrics[SCORE_METRICS[name]];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** One adapter variant's results over every case of the report: the table a reader compares frameworks by. */
export interface ScoreRow {
  variant: string;
  cases: number;
  counts: Record<CaseStatus, number>;
  /** Guarantee (checker) → the number of cases in which it was violated, most often first. */
  broken: [string, number][];
  /** Over the cases that recovered from a disruption, each case's longest recovery (`recovery.maxRecoveryMs`): p50 and max. */
  recoveryMs?: { p50: number; max: number; cases: number };
  /** Sums over the cases whose verdicts hold the metric (undefined when none does). */
  reexecutedSteps?: number;
  repeatedModelCalls?: number;
  respentTokens?: number;
}

export function scoreboard(variants: string[], cases: CaseReport[]): ScoreRow[] {
  return variants.map((variant) => {
    const ks = cases.filter((c) => c.variant === variant);
    const counts: Record<CaseStatus, number> = { valid: 0, invalid: 0, unknown: 0, incomplete: 0 };
    const broken = new Map<string, number>();
    for (const k of ks) {
      counts[k.status]++;
      for (const [checker, status] of Object.entries(k.checks)) if (status === 'invalid') broken.set(checker, (broken.get(checker) ?? 0) + 1);
    }
    const recovery = ks.map((k) => scoreMetric(k, 'recoveryMs')).filter((v): v is number => v !== undefined);
    const sum = (name: ScoreMetric) => {
      const vs = ks.map((k) => scoreMetric(k, name)).filter((v): v is number => v !== undefined);
      return vs.length ? { [name]: vs.reduce((a, b) => a + b, 0) } : {};
    };
    return {
      variant,
      cases: ks.length,
      counts,
      broken: [...broken].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      ...(recovery.length ? { recoveryMs: { p50: quantile(recovery, 0.5) ?? Number.NaN, max: Math.max(...recovery), cases: recovery.length } } : {}),
      ...sum('reexecutedSteps'),
      ...sum('repeatedModelCalls'),
      ...sum('respentTokens'),
    };
  });
}

export function caseReport(run: LoadedRun): CaseReport {
  const info = run.info;
  const v: Verdict | undefined = run.verdict;
  const anomalies: CaseAnomaly[] = Object.entries(v?.checks ?? {}).flatMap(([checker, c]) =>
    (c.anomalies ?? []).map((a) => ({ ...a, checker, informational: c.valid === true })),
  );
  const ledger = run.record?.ledger ?? [];
  const durationMs = info?.finishedAt && info.startedAt ? Date.parse(info.finishedAt) - Date.parse(info.startedAt) : undefined;
  const outcome = run.record?.outcome;
  return {
    id: info?.id ?? run.dir.split('/').pop()!,
    dir: run.dir,
    adapter: info?.adapter ?? '?',
    options: Object.fromEntries(Object.entries(info?.options ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    variant: variantOf(info?.adapter ?? '?', info?.options),
    scenario: info?.scenario ?? '?',
    fault: faultLabel(info?.schedule),
    idempotency: info?.idempotency ?? '?',
    ...(info?.seed !== undefined ? { seed: info.seed } : {}),
    status: run.complete ? statusOf(v?.valid) : 'incomplete',
    ...(run.problem ? { problem: run.problem } : {}),
    anomalies,
    replay: v?.replay ?? `ordeal replay ${run.dir}`,
    metrics: v?.metrics ?? {},
    checks: Object.fromEntries(Object.entries(v?.checks ?? {}).map(([k, c]) => [k, statusOf(c.valid)])),
    ...(durationMs !== undefined && Number.isFinite(durationMs) ? { durationMs } : {}),
    ...(outcome?.status === 'completed' ? { answer: outcome.answer } : {}),
    duplicates: [...duplicateEntries(ledger)],
    ...(run.record?.scenario.expectFrom === 'calm-run' ? { calmRun: run.record.scenario.calmRun ?? run.dir } : {}),
    ...(run.record ? { timeline: buildTimeline(run.record.history, ledger) } : {}),
    run,
  };
}

export function buildComparison(runs: LoadedRun[], now = new Date()): Comparison {
  const cases = runs
    .map(caseReport)
    .sort((a, b) => `${a.scenario}|${a.fault}|${a.idempotency}|${a.variant}`.localeCompare(`${b.scenario}|${b.fault}|${b.idempotency}|${b.variant}`));
  const adapters = [...new Set(cases.map((c) => c.adapter))].sort();
  const variants = [...new Set(cases.map((c) => c.variant))].sort();
  const scenarios = [...new Set(cases.map((c) => c.scenario))].sort();
  const rows = new Map<string, MatrixRow>();
  for (const c of cases) {
    const key = `${c.scenario}|${c.fault}|${c.idempotency}`;
    const row = rows.get(key) ?? { scenario: c.scenario, fault: c.fault, idempotency: c.idempotency, cells: {} };
    (row.cells[c.variant] ??= []).push(c);
    rows.set(key, row);
  }
  const totals: Record<CaseStatus, number> = { valid: 0, invalid: 0, unknown: 0, incomplete: 0 };
  for (const c of cases) totals[c.status]++;
  return {
    generatedAt: now.toISOString(),
    adapters,
    variants,
    scenarios,
    rows: [...rows.values()],
    cases,
    totals,
    scoreboard: scoreboard(variants, cases),
  };
}

/** The anomalies that decide the verdict (informational ones left out), or the incomplete folder's problem. */
export function failingAnomalies(c: CaseReport): { checker: string; kind: string; message: string; witnesses: string }[] {
  if (c.status === 'incomplete')
    return [{ checker: 'report', kind: 'incomplete', message: c.problem ?? 'the run folder is incomplete', witnesses: '' }];
  const list = c.anomalies
    .filter((a) => !a.informational)
    .map((a) => ({ checker: a.checker, kind: a.kind, message: a.message, witnesses: witnessText(a.witnesses) }));
  if (list.length === 0 && c.status === 'unknown')
    return [{ checker: 'verdict', kind: 'unknown', message: 'the verdict could not be decided', witnesses: '' }];
  return list;
}

export const STATUS_WORD: Record<CaseStatus, string> = { valid: 'valid', invalid: 'INVALID', unknown: 'unknown', incomplete: 'incomplete' };

/** One line per scenario judged against a calm run instead of an `expect` it does not have, for every report format. */
export function calmRunNotes(cases: CaseReport[]): string[] {
  const seen = new Map<string, string>();
  for (const k of cases) if (k.calmRun) seen.set(`${k.scenario} on ${k.variant} (idempotency ${k.idempotency})`, k.calmRun);
  return [...seen].map(
    ([what, dir]) => `${what}: the scenario has no expect; the expectation (effects, final workspace, answer) came from its calm run ${dir}`,
  );
}
