/** The final workspace equals the expected one: no half-applied shell command left behind (ARCHITECTURE.md § Checker contract). */
import { textOf } from '../json.js';
import type { RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { isRecord } from './util.js';
import { spentCall } from './crash-loops.js';

const SNIPPET = 30;

/** Where two texts first differ, in words: line, column and a short quoted excerpt of each. */
export function firstDifference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const before = expected.slice(0, i);
  const line = before.split('\n').length;
  const column = i - (before.lastIndexOf('\n') + 1) + 1;
  const where = `line ${line}, column ${column}`;
  const quote = (s: string) => JSON.stringify(s.slice(i, i + SNIPPET) + (s.length > i + SNIPPET ? '…' : ''));
  if (i === actual.length) return `at ${where} the file ends where ${quote(expected)} was expected`;
  if (i === expected.length) return `at ${where} the file has extra content ${quote(actual)}`;
  return `at ${where} it has ${quote(actual)} where ${quote(expected)} was expected`;
}

function check(run: RunRecord): CheckResult {
  const files: Record<string, unknown> = isRecord(run?.workspace) ? run.workspace : {};
  const expected: unknown = run?.scenario?.expect?.workspace;
  const metrics: Record<string, number> = { files: Object.keys(files).length };
  if (!isRecord(expected)) return { valid: true, anomalies: [], metrics };
  // the run stopped, as its retry policy says, at a call whose every attempt was lost: the workspace it leaves is the one
  // before that call, which the scenario does not write down, so there is no final workspace to hold it to
  if (spentCall(run)) return { valid: true, anomalies: [], metrics: { ...metrics, spent: 1 } };

  const anomalies: Anomaly[] = [];
  for (const [path, want] of Object.entries(expected)) {
    const has = Object.prototype.hasOwnProperty.call(files, path);
    const got = files[path];
    if (want === null || want === undefined) {
      if (has) {
        anomalies.push({
          kind: 'leftover-file',
          message: `${path} should not exist at the end of the run but was left behind, as a half-applied shell command would.`,
          witnesses: {},
        });
      }
    } else if (!has) {
      anomalies.push({ kind: 'missing-file', message: `${path} should exist at the end of the run but is missing.`, witnesses: {} });
    } else if (got !== want) {
      anomalies.push({
        kind: 'workspace-mismatch',
        message: `${path} differs from the expected content: ${firstDifference(textOf(want), textOf(got))}.`,
        witnesses: {},
      });
    }
  }
  metrics.checkedFiles = Object.keys(expected).length;
  return { valid: anomalies.length === 0, anomalies, metrics };
}

export const workspaceIntegrity: Checker = {
  name: 'workspace-integrity',
  metrics: ['files', 'checkedFiles', 'spent'],
  description: 'The final workspace equals the expected one: no half-applied shell command left behind.',
  check,
};
