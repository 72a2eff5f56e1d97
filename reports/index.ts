/** Report renderers, one per file, in one map: each takes the shared comparison and returns text. */
import type { BenchResult } from '../bench/index.js';
import { buildComparison, type Comparison } from './comparison.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { loadRuns } from './load.js';
import { renderMarkdown } from './markdown.js';

export type Renderer = (c: Comparison) => string;

export const renderers = { html: renderHtml, md: renderMarkdown, json: renderJson, junit: renderJunit } satisfies Record<string, Renderer>;
export type ReportFormat = keyof typeof renderers;

/** Reads run folders (or directories of them), and optionally a bench result, and renders one format. */
export function renderReport(paths: string[], format: ReportFormat, bench?: BenchResult): string {
  const c = buildComparison(loadRuns(paths));
  return renderers[format](bench ? { ...c, bench } : c);
}

export type { Comparison, CaseReport, CaseStatus, MatrixRow } from './comparison.js';
export { buildComparison, caseReport, failingAnomalies, faultLabel, witnessText } from './comparison.js';
export type { LoadedRun } from './load.js';
export { collectRunDirs, loadRun, loadRuns } from './load.js';
export type { Timeline } from './timeline.js';
export { buildTimeline, duplicateEntries } from './timeline.js';
