/** Report renderers, one per file, in one map: each takes the shared comparison and returns text. */
import { buildComparison, type Comparison } from './comparison.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { loadRuns } from './load.js';
import { renderMarkdown } from './markdown.js';

export type Renderer = (c: Comparison) => string;

export const renderers = { html: renderHtml, md: renderMarkdown, json: renderJson, junit: renderJunit } satisfies Record<string, Renderer>;
export type ReportFormat = keyof typeof renderers;

/** Reads run folders (or directories of them) and renders one format. */
export function renderReport(paths: string[], format: ReportFormat): string {
  return renderers[format](buildComparison(loadRuns(paths)));
}

export type { Comparison, CaseReport, CaseStatus, MatrixRow } from './comparison.js';
export { buildComparison, caseReport, failingAnomalies, faultLabel, witnessText } from './comparison.js';
export type { LoadedRun } from './load.js';
export { collectRunDirs, loadRun, loadRuns } from './load.js';
export type { Timeline } from './timeline.js';
export { buildTimeline, duplicateEntries } from './timeline.js';
