/** Judging a finished case: the checkers run on its run folder, and the verdict is written to verdict.json. */
import { join } from 'node:path';
import { defaultCheckers, runCheckers, type Verdict } from '../checks/index.js';
import { FILES, readRunFolder, writeJsonAtomic } from '../store/index.js';
import { telemetryMetrics } from '../telemetry/index.js';
import { replayCommand } from './replay.js';

/** Reads the run folder `dir`, runs the default checkers (with the telemetry metrics) and writes verdict.json. */
export function judge(dir: string): Verdict {
  const record = readRunFolder(dir);
  const verdict = runCheckers(record, defaultCheckers(), replayCommand(dir));
  Object.assign(verdict.metrics, telemetryMetrics(record));
  writeJsonAtomic(join(dir, FILES.verdict), verdict);
  return verdict;
}
