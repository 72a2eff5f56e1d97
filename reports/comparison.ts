/** The comparison every renderer shares: cases, and the matrix adapters × scenarios × faults → verdicts. Built once per report. */
import type { BenchResult } from '../bench/index.js';
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
  timeline?: Timeline;
  run: LoadedRun;
}

export interface MatrixRow {
  scenario: string;
  fault: string;
  idempotency: string;
  /** adapter → cases (normally one). */
  cells: Record<string, CaseReport[]>;
}

export interface Comparison {
  generatedAt: string;
  adapters: string[];
  scenarios: string[];
  rows: MatrixRow[];
  cases: CaseReport[];
  totals: Record<CaseStatus, number>;
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
  return schedule.map((f) => { try { return formatFault(f as FaultSpec); } catch { return JSON.stringify(f); } }).join(' + ');
}

/** Witnesses in words: `ledger #1, #2; history ops #28, #36`. */
export function witnessText(w: Witnesses | undefined): string {
  if (!w) return '';
  const parts: string[] = [];
  if (w.ledger?.length) parts.push(`ledger ${w.ledger.map((n) => `#${n}`).join(', ')}`);
  if (w.ops?.length) parts.push(`history ops ${w.ops.map((n) => `#${n}`).join(', ')}`);
  if (w.spans?.length) parts.push(`spans ${w.spans.join(', ')}`);
  return parts.join('; ');
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
    ...(run.record ? { timeline: buildTimeline(run.record.history, ledger) } : {}),
    run,
  };
}

export function buildComparison(runs: LoadedRun[], now = new Date()): Comparison {
  const cases = runs.map(caseReport).sort((a, b) => `${a.scenario}|${a.fault}|${a.idempotency}|${a.adapter}`.localeCompare(`${b.scenario}|${b.fault}|${b.idempotency}|${b.adapter}`));
  const adapters = [...new Set(cases.map((c) => c.adapter))].sort();
  const scenarios = [...new Set(cases.map((c) => c.scenario))].sort();
  const rows = new Map<string, MatrixRow>();
  for (const c of cases) {
    const key = `${c.scenario}|${c.fault}|${c.idempotency}`;
    const row = rows.get(key) ?? { scenario: c.scenario, fault: c.fault, idempotency: c.idempotency, cells: {} };
    (row.cells[c.adapter] ??= []).push(c);
    rows.set(key, row);
  }
  const totals: Record<CaseStatus, number> = { valid: 0, invalid: 0, unknown: 0, incomplete: 0 };
  for (const c of cases) totals[c.status]++;
  return { generatedAt: now.toISOString(), adapters, scenarios, rows: [...rows.values()], cases, totals };
}

/** The anomalies that decide the verdict (informational ones left out), or the incomplete folder's problem. */
export function failingAnomalies(c: CaseReport): { checker: string; kind: string; message: string; witnesses: string }[] {
  if (c.status === 'incomplete') return [{ checker: 'report', kind: 'incomplete', message: c.problem ?? 'the run folder is incomplete', witnesses: '' }];
  const list = c.anomalies.filter((a) => !a.informational).map((a) => ({ checker: a.checker, kind: a.kind, message: a.message, witnesses: witnessText(a.witnesses) }));
  if (list.length === 0 && c.status === 'unknown') return [{ checker: 'verdict', kind: 'unknown', message: 'the verdict could not be decided', witnesses: '' }];
  return list;
}

export const STATUS_WORD: Record<CaseStatus, string> = { valid: 'valid', invalid: 'INVALID', unknown: 'unknown', incomplete: 'incomplete' };
