/** One case in three phases: set up (run folder, world, Toxiproxy, engine), interpreted (worker, submit, human, nemesis, teardown), judged. */
import type { Outcome, RunInfo, Schedule } from '../store/index.js';
import type { Scenario } from '../scenario/index.js';
import type { Verdict } from '../checks/index.js';
import { ensureError, HarnessError } from '../errors.js';
import { installCleanupHandlers, interrupted } from '../launch/index.js';
import type { ModelUpstream } from '../world/model-forward.js';
import type { Adapter } from './adapter.js';
import { interpret, tearDown } from './interpret.js';
import { judge } from './judge.js';
import { openCaseFolder, setUpCase, type Running } from './setup.js';
import { casePhases, type CasePhases, type PhaseMarks } from './phases.js';
import { now } from '../store/index.js';

export interface CaseOptions {
  adapter: Adapter;
  scenario: Scenario;
  schedule: Schedule;
  idempotency: 'framework' | 'none';
  seed: number;
  /** fast-check path, when the case came from `ordeal check`. */
  path?: string;
  outDir: string;
  /** How long to wait for the run to finish once started. */
  timeoutMs: number;
  options: Record<string, string>;
  /** Also send every span to this OTLP/HTTP collector (`--otlp-endpoint`). */
  otlpEndpoint?: string;
  /** Recording (`ordeal record`): the world's model endpoint forwards to this real model instead of playing the cassette. */
  model?: ModelUpstream;
}

export interface CaseResult {
  runDir: string;
  verdict: Verdict;
  info: RunInfo;
  /** Where the case's time went (world, engine, worker start to ready, run, teardown, judging). */
  phases: CasePhases;
}

/** Runs one case; a harness failure is recorded in run.json and the history's outcome, everything is stopped, and it is rethrown. */
export async function runCase(o: CaseOptions): Promise<CaseResult> {
  installCleanupHandlers();
  const marks: PhaseMarks = { start: now() };
  const folder = openCaseFolder(o);
  marks.folder = now();
  const running: Running = {};
  let outcome: Outcome = { status: 'running' };
  try {
    const c = await setUpCase(o, folder, running, marks);
    marks.setUp = now();
    outcome = await interpret(o, c);
  } catch (e) {
    folder.info.error = ensureError(e).message;
    outcome = { status: 'failed', error: `harness: ${folder.info.error}` };
    throw e;
  } finally {
    marks.interpreted = now();
    await tearDown(o, folder, running, outcome);
    marks.tornDown = now();
  }
  // a case cut short by SIGINT/SIGTERM is not judged: its folder stays unfinished for --resume
  if (interrupted()) throw new HarnessError(`the case in ${folder.dir} was interrupted`, 'ORD-300');
  const verdict = judge(folder.dir);
  marks.judged = now();
  return { runDir: folder.dir, verdict, info: folder.info, phases: casePhases(marks, folder.history.ops) };
}
