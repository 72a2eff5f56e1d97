/**
 * Expectations from a calm run: a scenario without `expect` is judged against the fault-free run of the same scenario
 * on the same adapter (same options and idempotency mode). That run is made once per process and reused by every
 * faulted case; its effects, final workspace and answer become the `expect` each faulted case is judged against.
 */
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import type { Scenario } from '../scenario/index.js';
import { FILES, readRunFolder, writeJsonAtomic, type RunRecord } from '../store/index.js';
import { judge } from './judge.js';
import type { CaseResult } from './run-case.js';

/** Identifies the calm run a case is judged against. */
export interface CalmKey {
  adapter: string;
  scenario: Scenario;
  idempotency: string;
  options: Record<string, string>;
  outDir: string;
}

/** Whether a scenario still needs its calm run (one read back from a run folder already has the expectation derived). */
export const needsCalmRun = (s: Scenario): boolean => s.expectFrom === 'calm-run' && s.calmRun === undefined;

/** What the calm run did, as an expectation: every applied effect with its count, the final workspace, the answer. */
export function expectationFromRun(run: RunRecord): Scenario['expect'] {
  const counts = new Map<string, { type: string; count: number }>();
  for (const e of run.ledger) if (e.outcome === 'applied') counts.set(e.effect, { type: e.type, count: (counts.get(e.effect)?.count ?? 0) + 1 });
  const workspace: Record<string, string | null> = {};
  for (const p of Object.keys(run.scenario.fixture.workspace)) workspace[p] = null;
  Object.assign(workspace, run.workspace);
  return {
    effects: [...counts].map(([id, { type, count }]) => ({ id, type, ...(count !== 1 ? { count } : {}) })),
    workspace,
    ...(run.outcome.status === 'completed' && run.outcome.answer !== '' ? { answer: run.outcome.answer } : {}),
  };
}

/** The scenario with `expect` derived from the calm run in `dir`. */
export function withCalmExpectation(scenario: Scenario, dir: string, expect: Scenario['expect']): Scenario {
  return { ...scenario, expect, expectFrom: 'calm-run', calmRun: dir };
}

const references = new Map<string, Promise<{ result: CaseResult; expect: Scenario['expect'] }>>();

const keyOf = (k: CalmKey): string =>
  JSON.stringify([k.adapter, k.scenario.name, k.scenario.file ?? '', k.idempotency, Object.entries(k.options).sort(), k.outDir]);

/**
 * The calm run for `key`, run by `run` the first time it is asked for (later calls share it). Its scenario.json is
 * rewritten with the derived expectation and it is judged again against it; a calm run that did not complete leaves
 * nothing to judge the faulted cases against (a HarnessError naming its folder).
 */
export function calmReference(key: CalmKey, run: () => Promise<CaseResult>): Promise<{ result: CaseResult; expect: Scenario['expect'] }> {
  const k = keyOf(key);
  let p = references.get(k);
  if (!p) {
    p = run().then((result) => {
      const record = readRunFolder(result.runDir);
      if (record.outcome.status !== 'completed')
        throw new HarnessError(
          `scenario '${key.scenario.name}' has no expect, so its calm (fault-free) run on adapter '${key.adapter}' is the reference, but that run did not complete (${record.outcome.status === 'failed' ? `failed: ${record.outcome.error}` : 'still running at the timeout'}); nothing to judge the faulted cases against. Its run folder: ${result.runDir}`,
          'ORD-350',
        );
      const expect = expectationFromRun(record);
      const { file: _file, ...data } = withCalmExpectation(key.scenario, result.runDir, expect);
      writeJsonAtomic(join(result.runDir, FILES.scenario), data);
      return { result: { ...result, verdict: judge(result.runDir) }, expect };
    });
    references.set(k, p);
    p.catch(() => undefined); // awaited by every case that needs it
  }
  return p;
}
