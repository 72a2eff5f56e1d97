/** `ordeal replay --seed S --path P …`: regenerates the schedule `ordeal check` drew at (seed, path) and runs it again. */
import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../errors.js';
import { scheduleArbitrary, scheduleAt } from '../schedule/index.js';
import { firstAnomaly, scheduleLabel } from '../run/summary.js';
import { checkContext, checkPath, DEFAULT_MAX_FAULTS, type CheckArgs } from './check-context.js';
import { caseOptions, executeCases, resolveAdapterArg, verdictTable } from './common.js';

export const replaySeedFlags = <T>(y: Argv<T>) =>
  y
    .option('seed', { type: 'number', describe: 'with --path: the seed printed by ordeal check' })
    .option('path', { type: 'string', describe: "with --seed: fast-check's path printed by ordeal check, e.g. 12:0:3" })
    .option('adapter', { type: 'string', default: 'reference', describe: 'with --seed: the adapter the check ran on' })
    .option('scenario', { type: 'string', describe: 'with --seed: the scenario the check ran' })
    .option('faults', { type: 'string', array: true, describe: 'with --seed: the faults the check drew from' })
    .option('max-faults', { type: 'number', default: DEFAULT_MAX_FAULTS, describe: 'with --seed: the check’s --max-faults' })
    .option('idempotency', { choices: ['framework', 'none'] as const, default: 'framework' as const, describe: 'with --seed: the idempotency mode' })
    .option('opt', { type: 'string', array: true, describe: 'with --seed: adapter option key=value (repeatable)' });

interface SeedArgs extends CheckArgs {
  seed?: number;
  path?: string;
  out: string;
  timeout: number;
  json: boolean;
}

export async function replayFromSeed(a: SeedArgs): Promise<void> {
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
    options: caseOptions(a as unknown as Parameters<typeof caseOptions>[0]),
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
