/** `ordeal replay --seed S --path P …`: regenerates the schedule `ordeal check` drew at (seed, path) and runs it again. */
import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../errors.js';
import { scheduleArbitrary, scheduleAt } from '../schedule/index.js';
import { firstAnomaly, scheduleLabel } from '../run/summary.js';
import { checkContext, checkPath, DEFAULT_MAX_FAULTS, type CheckArgs } from './check-context.js';
import { caseOptions, executeCases, resolveAdapterArg, verdictTable } from './common.js';

/**
 * The flags of `replay --seed S --path P`. None has a yargs default, so that whether one was given is known: a run
 * folder's case is replayed as its run.json records it, and these flags given with a folder are refused (ORD-126).
 */
export const replaySeedFlags = <T>(y: Argv<T>) =>
  y
    .option('seed', { type: 'number', describe: 'with --path: the seed printed by ordeal check' })
    .option('path', { type: 'string', describe: "with --seed: fast-check's path printed by ordeal check, e.g. 12:0:3" })
    .option('adapter', { type: 'string', describe: 'with --seed: the adapter the check ran on (default reference)' })
    .option('scenario', { type: 'string', describe: 'with --seed: the scenario the check ran' })
    .option('faults', { type: 'string', array: true, describe: 'with --seed: the faults the check drew from' })
    .option('max-faults', { type: 'number', describe: `with --seed: the check’s --max-faults (default ${DEFAULT_MAX_FAULTS})` })
    .option('idempotency', { choices: ['framework', 'none'] as const, describe: 'with --seed: the idempotency mode (default framework)' })
    .option('opt', { type: 'string', array: true, describe: 'with --seed: adapter option key=value (repeatable)' });

/** The flags that only `replay --seed S --path P` reads. */
export const SEED_ONLY_FLAGS = ['seed', 'path', 'adapter', 'scenario', 'faults', 'max-faults', 'idempotency', 'opt'] as const;

interface SeedArgs extends Omit<CheckArgs, 'adapter' | 'max-faults' | 'idempotency'> {
  adapter?: string;
  'max-faults'?: number;
  idempotency?: CheckArgs['idempotency'];
  seed?: number;
  path?: string;
  out: string;
  timeout: number;
  json: boolean;
}

export async function replayFromSeed(given: SeedArgs): Promise<void> {
  const a = {
    ...given,
    adapter: given.adapter ?? 'reference',
    'max-faults': given['max-faults'] ?? DEFAULT_MAX_FAULTS,
    idempotency: given.idempotency ?? 'framework',
  };
  if (a.seed === undefined || a.path === undefined || !Number.isInteger(a.seed))
    throw new UsageError('replay --seed S --path P: give both an integer --seed and a --path, as printed by ordeal check', 'ORD-126');
  const path = checkPath(String(a.path));
  a.adapter = await resolveAdapterArg(a.adapter);
  const ctx = checkContext(a);
  const schedule = scheduleAt(scheduleArbitrary(ctx.space), a.seed, path);
  const results = await executeCases([{ adapter: ctx.adapter, scenario: ctx.space.scenario, schedule }], {
    idempotency: a.idempotency,
    seed: a.seed,
    path,
    out: a.out,
    timeoutMs: a.timeout,
    options: caseOptions(a),
  });
  const r = results[0]!;
  if (a.json) process.stdout.write(JSON.stringify({ valid: r.valid, seed: a.seed, path, schedule, cases: results }, null, 2) + '\n');
  else {
    const what = r.valid === true ? 'valid' : firstAnomaly(r) || 'the verdict could not be decided (unknown)';
    process.stdout.write(
      `${verdictTable(results)}\n\nschedule (seed ${a.seed}, path ${path}): ${scheduleLabel(schedule)}\n  ${what}\n  run folder: ${r.runDir}\n`,
    );
  }
  process.exitCode = r.valid === true ? ExitCode.ok : ExitCode.violated;
}
