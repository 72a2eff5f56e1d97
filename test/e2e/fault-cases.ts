/** Runs `ordeal run --json` for the fault end-to-end tests and reads what a user would look at. */
import { expect } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';
import { history as runHistory, type HistoryOp } from '../helpers/run-folder.js';

export interface CaseJson {
  scenario: string;
  idempotency: string;
  valid: boolean | 'unknown';
  runDir: string;
  checks: Record<string, { valid: boolean | 'unknown'; anomalies: { kind: string; message: string }[] }>;
}

/** One `ordeal run` with one schedule over the given scenarios; returns its exit code and cases. */
export async function runFault(scenarios: string[], faults: string[], idempotency: 'framework' | 'none' = 'framework') {
  const out = tempDir('ordeal-faults-');
  const args = [
    'run',
    ...scenarios.flatMap((s) => ['--scenario', s]),
    ...faults.flatMap((f) => ['--fault', f]),
    '--idempotency',
    idempotency,
    '--out',
    out,
    '--json',
    '--seed',
    '7',
  ];
  const r = await ordeal(args);
  let cases: CaseJson[] = [];
  try {
    cases = (JSON.parse(r.stdout) as { cases: CaseJson[] }).cases;
  } catch {
    throw new Error(`ordeal ${args.join(' ')} printed no JSON (exit ${r.code}): ${r.stderr}`);
  }
  return { code: r.code, cases, byScenario: (name: string) => cases.find((c) => c.scenario === name)! };
}

export { failures } from '../helpers/run-folder.js';

/** The history's ops of the case's run folder. */
export function history(c: CaseJson): HistoryOp[] {
  return runHistory(c.runDir);
}

/** The nemesis's op that fired the case's one fault and the op that ended it (for a timed fault: healed). */
export function faultWindow(ops: HistoryOp[]): { fired: HistoryOp; ended: HistoryOp } {
  const fault = ops.filter((o) => o.f === 'fault');
  expect(fault.map((o) => o.type)).toEqual(['invoke', 'ok']);
  return { fired: fault[0]!, ended: fault[1]! };
}

/**
 * What a worker sent, as the world recorded it on arrival: its calls (`invoke`) and its probes and approval requests (`info`).
 * The world's answers (`ok`/`fail`) carry the worker's name too, and so do the orchestrator's start/death records: neither is
 * the worker making progress.
 */
export const workerSent = (ops: HistoryOp[]): HistoryOp[] =>
  ops.filter((o) => o.process.startsWith('worker#') && (o.type === 'invoke' || (o.type === 'info' && o.f !== 'start' && o.f !== 'death')));

/** The ops whose recorded time lies strictly between two ops'. */
export const between = (ops: HistoryOp[], from: HistoryOp, to: HistoryOp): HistoryOp[] => ops.filter((o) => o.time > from.time && o.time < to.time);

/** How the nemesis's fault ops ended: ['ok'] when the fault fired and healed. */
export function faultEnds(c: CaseJson): string[] {
  return history(c)
    .filter((o) => o.f === 'fault' && o.type !== 'invoke')
    .map((o) => o.type);
}
