/** One case in three phases: set up (run folder, world, Toxiproxy, engine), interpreted (worker, submit, human, nemesis, teardown), judged. */
import type { Outcome, RunInfo, Schedule } from '../store/index.js';
import type { Scenario } from '../scenario/index.js';
import type { Verdict } from '../checks/index.js';
import { ensureError } from '../errors.js';
import { installCleanupHandlers } from '../launch/index.js';
import type { ModelUpstream } from '../world/model-forward.js';
import type { Adapter } from './adapter.js';
import { interpret, tearDown } from './interpret.js';
import { judge } from './judge.js';
import { openCaseFolder, setUpCase, type Running } from './setup.js';

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
}

/** Runs one case; a harness failure is recorded in run.json and the history's outcome, everything is stopped, and it is rethrown. */
export async function runCase(o: CaseOptions): Promise<CaseResult> {
  installCleanupHandlers();
  const folder = openCaseFolder(o);
  const running: Running = {};
  let outcome: Outcome = { status: 'running' };
  try {
    outcome = await interpret(o, await setUpCase(o, folder, running));
  } catch (e) {
    folder.info.error = ensureError(e).message;
    outcome = { status: 'failed', error: `harness: ${folder.info.error}` };
    throw e;
  } finally {
    await tearDown(o, folder, running, outcome);
  }
  return { runDir: folder.dir, verdict: judge(folder.dir), info: folder.info };
}
