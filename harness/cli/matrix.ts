/** A matrix of cases run by `run` or `gate`, optionally resumed after its orchestrator died (`--resume`). */
import { resolve } from 'node:path';
import { resumeMatrix, resumedSeed, type MatrixCase } from '../run/resume.js';
import type { CaseSummary } from '../run/summary.js';
import type { PlannedCase } from '../run/plan.js';
import { executeJobs, type CaseJob, type ExecOptions } from './common.js';

export const resumeFlag = {
  type: 'boolean',
  default: false,
  describe:
    'after the orchestrator was killed mid-matrix: keep every case already judged in --out, run the torn one again (moved to .incomplete/) and the rest',
} as const;

export const matrixCase = (j: CaseJob): MatrixCase => ({
  adapter: j.case.adapter,
  scenario: j.case.scenario.name,
  schedule: j.case.schedule,
  idempotency: j.exec.idempotency,
  options: j.exec.options,
});

/** The seed a resumed matrix ran with (from its run folders in `runsDir`), for a command whose seed is not fixed. */
export function seedToResume(runsDir: string, cases: PlannedCase[], exec: Pick<ExecOptions, 'idempotency' | 'options'>): number | undefined {
  return resumedSeed(
    runsDir,
    cases.map((c) => matrixCase({ case: c, exec: { ...exec, seed: 0, out: runsDir } })),
  );
}

export interface MatrixHooks extends Pick<ExecOptions, 'onCase' | 'onStart' | 'onEnd'> {
  /** Told before anything runs: how many cases were kept and the torn folders moved aside. */
  onResume?: (kept: number, torn: string[]) => void;
}

/**
 * Runs the matrix's cases `jobs` at a time; with `resume`, the cases already judged in `runsDir` are kept, not run.
 * Results (and `onCase`) come in the matrix's order, kept and run alike.
 */
export async function executeMatrix(
  list: CaseJob[],
  jobs: number,
  runsDir: string,
  resume: boolean,
  hooks: MatrixHooks = {},
): Promise<CaseSummary[]> {
  const seed = list[0]?.exec.seed ?? 0;
  const { done, torn } = resume ? resumeMatrix(resolve(runsDir), seed, list.map(matrixCase)) : { done: new Map<number, CaseSummary>(), torn: [] };
  if (resume) hooks.onResume?.(done.size, torn);
  const todo = list.map((_, i) => i).filter((i) => !done.has(i));
  const all = new Map(done);
  let next = 0;
  const flush = () => {
    while (next < list.length && all.has(next)) {
      hooks.onCase?.(all.get(next)!, next, list.length);
      next++;
    }
  };
  flush();
  await executeJobs(
    todo.map((i) => list[i]!),
    jobs,
    {
      onStart: (c, k) => hooks.onStart?.(c, todo[k]!),
      onEnd: (s, k) => hooks.onEnd?.(s, todo[k]!),
      onCase: (s, k) => {
        all.set(todo[k]!, s);
        flush();
      },
    },
  );
  return list.map((_, i) => all.get(i)!);
}
