/** Reading a run folder's files in tests, and which real engines are installed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engines, enginesRoot } from '../../harness/engines/index.js';
import { ordeal, root, tempDir } from './cli.js';

/** One case as `ordeal run --json` prints it (the fields tests look at). */
export interface Case {
  valid: boolean;
  runDir: string;
  checks: Record<string, { valid: boolean; anomalies: { kind: string; witnesses: { ledger?: number[] } }[] }>;
}

/** A case with its anomalies' messages, as `ordeal run --json` prints it. */
export interface Judged {
  valid: boolean;
  runDir: string;
  checks: Record<string, { valid: boolean; anomalies: { kind: string; message: string }[] }>;
}

/** The failing checkers of a case with their anomaly kinds, e.g. {"exactly-once-effects": ["duplicate"]}. */
export function failures(c: { checks: Record<string, { valid: unknown; anomalies: { kind: string }[] }> }): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(c.checks)
      .filter(([, r]) => r.valid !== true)
      .map(([n, r]) => [n, r.anomalies.map((a) => a.kind)]),
  );
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

/** The JSON lines of a run folder file. */
export const lines = <T>(dir: string, file: string): T[] =>
  readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);

export const ledger = (dir: string) => lines<{ seq: number; effect: string; outcome: string; key: string | null }>(dir, 'ledger.jsonl');
/** One op of history.jsonl (the fields tests read). */
export interface HistoryOp {
  index: number;
  time: number;
  process: string;
  type: string;
  f: string;
  value: Record<string, unknown>;
  /** Pairs an invoke with its completion (e.g. `effect-3`), where the op has one. */
  id?: string;
}
export const history = (dir: string) => lines<HistoryOp>(dir, 'history.jsonl');
export const spans = (dir: string) => lines<Span>(dir, 'spans.jsonl');
/** The run folder's verdict.json: each checker's validity, anomalies and metrics. */
export const verdict = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as {
    valid: boolean | 'unknown';
    checks: Record<string, { valid: boolean | 'unknown'; metrics: Record<string, number> }>;
  };

/** Whether a real engine is installed here, and the skip message that says how to install it. */
export function engineInstalled(name: string): { installed: boolean; skipReason: string } {
  const e = engines[name]!;
  return {
    installed: e.installed(enginesRoot(root)),
    skipReason: `${name} ${e.version} is not installed in ${enginesRoot(root)} (run \`ordeal engines install ${name}\`)`,
  };
}

/** `ordeal run --json` with these arguments: its exit code, stderr and its one case. */
export async function runOne<C = Case>(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; c: C }> {
  const r = await ordeal(['run', '--json', '--out', tempDir(), ...args], env ? { env } : {});
  if (!r.stdout.trim().startsWith('{')) throw new Error(`ordeal exited ${r.code} without JSON: ${r.stderr}`);
  return { code: r.code, stderr: r.stderr, c: (JSON.parse(r.stdout) as { cases: C[] }).cases[0]! };
}

/** The ledger entries of refund-agent's refund, the effect most tests kill around. */
export const refundEntries = (dir: string) => ledger(dir).filter((e) => e.effect === 'refund:order-1042');
