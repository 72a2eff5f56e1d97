/** `ordeal check`: a fast-check search over fault schedules where every case is a real run, or `--exhaustive` over every single-fault point. */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../errors.js';
import { scheduleArbitrary, searchSchedules, singleFaultPoints, scenarioShape, scenarioTriggers } from '../schedule/index.js';
import { FILES, writeJsonAtomic, type RunInfo, type Schedule } from '../store/index.js';
import { firstAnomaly, overall, scheduleLabel, type CaseSummary } from '../run/summary.js';
import { checkContext, DEFAULT_MAX_FAULTS, seedReplayCommand, type CheckArgs, type CheckContext } from './check-context.js';
import { caseOptions, executeCases, interruptedSummary, resolveAdapterArg, type ExecOptions } from './common.js';
import { interrupted, onInterrupt } from '../launch/index.js';
import { ProgressLine } from './progress.js';
import { CaseProgress } from './case-progress.js';
import { parseJobs, parseShard, shardOf, type Shard } from '../run/pool.js';
import { caseFlags } from './run-command.js';
import { caseFlagSchema, checkFlags } from './flags.js';
import { dim, table, verdictWord } from './table.js';

interface Args extends CheckArgs {
  runs: number;
  seed?: number;
  'shrink-budget': number;
  exhaustive: boolean;
  'keep-runs': boolean;
  out: string;
  timeout: number;
  json: boolean;
  jobs?: string;
  shard?: string;
}

const show = (dir: string) => (relative(process.cwd(), dir).startsWith('..') ? dir : relative(process.cwd(), dir));
const anomalyOf = (s: CaseSummary) => firstAnomaly(s) || (s.valid === true ? '' : 'the verdict could not be decided (unknown)');

/** `ordeal check`'s flags (checked before anything starts). */
const checkFlagSchema = {
  ...caseFlagSchema,
  scenario: { type: 'string', description: 'a scenario name or a path to a scenario .json' },
  faults: { type: 'string', repeat: 'many', description: 'fault names, comma-separated' },
  runs: { type: 'integer', min: 1, max: 1_000_000, description: 'runs', code: 'ORD-125' },
  'max-faults': { type: 'integer', min: 1, max: 100, description: 'faults per schedule', code: 'ORD-123' },
  'shrink-budget': { type: 'integer', min: 0, max: 1_000_000, description: 'shrink runs', code: 'ORD-125' },
  exhaustive: { type: 'boolean', description: 'exhaustive' },
  'keep-runs': { type: 'boolean', description: 'keep runs' },
  jobs: { type: 'string', description: 'cases at the same time' },
  shard: { type: 'string', description: 'i/n' },
} as const;

/** The property search's own flags, with their defaults: given, they say the search was meant, so `--exhaustive` refuses them. */
const SEARCH_FLAGS = { runs: 100, 'shrink-budget': 60, 'max-faults': DEFAULT_MAX_FAULTS } as const;

/** Refuses a property-search flag given with `--exhaustive` (ORD-196), then fills in the defaults of those not given. */
function searchFlags(a: Args): void {
  const given = (Object.keys(SEARCH_FLAGS) as (keyof typeof SEARCH_FLAGS)[]).filter((f) => a[f] !== undefined);
  if (a.exhaustive && given.length)
    throw new UsageError(
      `${given.map((f) => `--${f} ${a[f]}`).join(', ')}: ${given.length === 1 ? 'does' : 'do'} not apply to --exhaustive, which runs every single-fault point once (--runs, --shrink-budget and --max-faults shape the property search); drop ${given.length === 1 ? 'it' : 'them'}`,
      'ORD-196',
    );
  for (const [f, v] of Object.entries(SEARCH_FLAGS)) a[f as keyof typeof SEARCH_FLAGS] ??= v;
}

export function checkCommand(y: Argv) {
  return y.command(
    'check',
    'search fault schedules with fast-check (every case a real run), shrink a failure and print the command that replays it; or --exhaustive',
    (a) =>
      caseFlags(
        a
          .option('adapter', {
            type: 'string',
            default: 'reference',
            describe: 'the framework to run on (see ordeal list), or the path of your own adapter module',
          })
          .option('scenario', { type: 'string', describe: 'one scenario: a name (see ordeal list) or a path to a scenario .json' })
          .option('faults', {
            type: 'string',
            array: true,
            describe: 'faults to draw from, comma-separated (default kill-worker, and kill-engine when the adapter has an engine)',
          })
          // no yargs defaults: whether they were given decides whether --exhaustive refuses them (searchFlags)
          .option('runs', { type: 'number', describe: `schedules to try before declaring the property holds (default ${SEARCH_FLAGS.runs})` })
          .option('max-faults', { type: 'number', describe: `at most this many faults per schedule (default ${SEARCH_FLAGS['max-faults']})` })
          .option('shrink-budget', {
            type: 'number',
            describe: `at most this many real runs spent shrinking a failure (default ${SEARCH_FLAGS['shrink-budget']})`,
          })
          .option('exhaustive', {
            type: 'boolean',
            default: false,
            describe:
              'run every single-fault point (each trigger × each fault) instead of a random search (--runs, --shrink-budget, --max-faults do not apply)',
          })
          .option('keep-runs', { type: 'boolean', default: false, describe: 'keep the run folder of every case, not only the minimal failing one' }),
      )
        .check(checkFlags(checkFlagSchema))
        .example('$0 check --scenario refund-agent --idempotency none --runs 30 --seed 42', 'find, shrink and print the duplicated refund')
        .example('$0 check --exhaustive --scenario coding-agent', 'the map of crash points → verdicts'),
    async (argv) => {
      const a = argv as unknown as Args;
      searchFlags(a);
      a.adapter = await resolveAdapterArg(a.adapter);
      const ctx = checkContext(a);
      const seed = a.seed ?? Date.now() % 2 ** 31;
      const exec: ExecOptions = {
        idempotency: a.idempotency,
        seed,
        out: a.out,
        timeoutMs: a.timeout,
        options: caseOptions(a as unknown as Parameters<typeof caseOptions>[0]),
        jobs: parseJobs(a.jobs),
      };
      const shard = parseShard(a.shard);
      if (shard && !a.exhaustive)
        throw new UsageError(
          `--shard ${a.shard} splits the points of --exhaustive; the property search is one sequence per seed (run more seeds instead)`,
          'ORD-196',
        );
      if (shard && a.seed === undefined)
        throw new UsageError(`--shard ${a.shard} needs --seed: every runner of the split must run the points with the same seed`, 'ORD-195');
      const valid = a.exhaustive ? await exhaustive(ctx, a, exec, shard) : await property(ctx, a, exec);
      process.exitCode = valid ? ExitCode.ok : ExitCode.violated;
    },
  );
}

const runOne = async (ctx: CheckContext, schedule: Schedule, exec: ExecOptions): Promise<CaseSummary> =>
  (await executeCases([{ adapter: ctx.adapter, scenario: ctx.space.scenario, schedule }], exec))[0]!;

async function property(ctx: CheckContext, a: Args, exec: ExecOptions): Promise<boolean> {
  if (!Number.isInteger(a.runs) || a.runs < 1) throw new UsageError(`--runs ${a.runs}: expected an integer ≥ 1`, 'ORD-125');
  if (!Number.isInteger(a['shrink-budget']) || a['shrink-budget'] < 0)
    throw new UsageError(`--shrink-budget ${a['shrink-budget']}: expected an integer ≥ 0`, 'ORD-125');
  const name = ctx.space.scenario.name;
  const progress = new ProgressLine();
  const dirs: string[] = [];
  const failing = new Set<string>();
  let searched = 0;
  let judging = 0; // cases started (several at a time with --jobs, judged ahead of fast-check's walk)
  let shrunk = 0;
  let failures = 0;
  // stopped by a signal: the passing cases' folders go as they would have (and the one cut short), the failing ones stay as evidence
  const out = resolve(exec.out);
  const before = new Set(existsSync(out) ? readdirSync(out) : []);
  onInterrupt(() => {
    progress.stop();
    const made = existsSync(out) ? readdirSync(out).filter((n) => !before.has(n)) : [];
    const passing = made.map((n) => join(out, n)).filter((d) => !failing.has(d));
    if (!a['keep-runs']) passing.forEach((d) => rmSync(d, { recursive: true, force: true }));
    const kept = [...failing].map((d) => `\n  failing case: ${show(d)}`).join('');
    process.stdout.write(
      `\nordeal check ${name}: interrupted after ${dirs.length} case(s), ${failing.size} failing (seed ${exec.seed})` +
        `${a['keep-runs'] || passing.length === 0 ? '' : `; the other ${passing.length} case folders were removed`}.${kept}\n`,
    );
  });
  const res = await searchSchedules<CaseSummary>({
    arbitrary: scheduleArbitrary(ctx.space),
    seed: exec.seed,
    runs: a.runs,
    shrinkBudget: a['shrink-budget'],
    jobs: exec.jobs ?? 1,
    judge: async (schedule) => {
      judging++;
      progress.set(
        `check ${name}: ${failures ? `shrinking, ${shrunk} cases` : `case ${Math.min(a.runs, Math.max(searched + 1, judging))}/${a.runs}`} · ${failures} failing · ${scheduleLabel(schedule)}`,
      );
      const s = await runOne(ctx, schedule, exec);
      if (interrupted()) return s; // cut short by the signal: neither passing nor failing
      dirs.push(s.runDir);
      if (s.valid !== true) failing.add(s.runDir);
      return s;
    },
    passed: (s) => s.valid === true,
    onCase: (_s, _schedule, p) => {
      if (p.phase === 'search') searched++;
      else if (!p.reused) shrunk++;
      failures = p.failures;
    },
  });
  progress.stop();
  const head = `ordeal check ${name} on ${ctx.adapter} (idempotency ${a.idempotency}, faults ${ctx.space.faults.join(',')}, seed ${exec.seed})`;
  if (res.status === 'passed') {
    if (!a['keep-runs']) dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    const points = scenarioTriggers(scenarioShape(ctx.space.scenario)).length;
    if (a.json) process.stdout.write(JSON.stringify({ valid: true, runs: res.runs, seed: exec.seed, failure: null }, null, 2) + '\n');
    else
      process.stdout.write(
        `${head}\nOK: ${res.runs} cases, every verdict valid (${res.cases} distinct schedules of 0–${ctx.space.maxFaults} faults over ${points} trigger points were run).\n`,
      );
    return true;
  }
  const s = res.result;
  // the minimal case's run folder is the evidence: record how to regenerate it, drop the others
  const info = JSON.parse(readFileSync(join(s.runDir, FILES.run), 'utf8')) as RunInfo;
  writeJsonAtomic(join(s.runDir, FILES.run), { ...info, path: res.path });
  if (!a['keep-runs']) dirs.filter((d) => d !== s.runDir).forEach((d) => rmSync(d, { recursive: true, force: true }));
  const replay = seedReplayCommand(ctx, a, exec.seed, res.path, exec.options);
  const anomaly = anomalyOf(s);
  if (a.json) {
    const failure = {
      schedule: res.schedule,
      seed: exec.seed,
      path: res.path,
      replay,
      runDir: s.runDir,
      anomaly,
      firstSchedule: res.firstSchedule,
      shrinkCases: res.shrinkCases,
    };
    process.stdout.write(JSON.stringify({ valid: false, runs: res.runs, seed: exec.seed, cases: res.cases, failure }, null, 2) + '\n');
    return false;
  }
  const n = res.schedule.length;
  const shrinkNote = res.budgetExhausted
    ? `shrinking stopped after ${res.shrinkCases} cases (--shrink-budget ${a['shrink-budget']}), so the schedule may not be minimal`
    : `shrinking ran ${res.shrinkCases} more cases`;
  process.stdout.write(
    [
      head,
      `Case ${res.runs} of ${a.runs} failed with ${scheduleLabel(res.firstSchedule)}; ${shrinkNote} and reached ${n} fault${n === 1 ? '' : 's'}.`,
      '',
      `${verdictWord(s.valid)}  ${scheduleLabel(res.schedule)}`,
      `  anomaly:  ${anomaly}`,
      `  evidence: ${show(s.runDir)}${a['keep-runs'] ? '' : dim(`  (the other ${dirs.length - 1} case folders were removed; --keep-runs keeps them)`)}`,
      `  replay:   ${replay}`,
      '',
    ].join('\n'),
  );
  return false;
}

async function exhaustive(ctx: CheckContext, a: Args, exec: ExecOptions, shard?: Shard): Promise<boolean> {
  const points = shardOf(singleFaultPoints(ctx.space), shard).map((p) => p.item);
  const progress = new CaseProgress(`exhaustive ${ctx.space.scenario.name} (${exec.jobs ?? 1} at a time)`, points.length);
  const done: CaseSummary[] = [];
  onInterrupt(() => {
    progress.stop();
    process.stdout.write(interruptedSummary(done, points.length, exec.seed, a.json));
  });
  const results = await executeCases(
    points.map((schedule) => ({ adapter: ctx.adapter, scenario: ctx.space.scenario, schedule })),
    {
      ...exec,
      onStart: (c, i) => progress.started(i, scheduleLabel(c.schedule)),
      onEnd: (s, i) => {
        progress.ended(i, s.valid);
        if (!interrupted()) done.push(s);
      },
    },
  ).finally(() => progress.stop());
  const valid = overall(results) === true;
  if (a.json) {
    const out = results.map((r) => ({ schedule: r.schedule, valid: r.valid, runDir: r.runDir, anomaly: anomalyOf(r) || null }));
    process.stdout.write(JSON.stringify({ valid, seed: exec.seed, points: out }, null, 2) + '\n');
    return valid;
  }
  const bad = results.filter((r) => r.valid !== true);
  process.stdout.write(
    [
      `ordeal check --exhaustive ${ctx.space.scenario.name} on ${ctx.adapter} (idempotency ${a.idempotency}, faults ${ctx.space.faults.join(',')}, seed ${exec.seed}${shard ? `, shard ${shard.index}/${shard.count}` : ''})`,
      '',
      table(
        ['crash point', 'verdict', 'anomaly', 'run folder'],
        results.map((r) => [scheduleLabel(r.schedule), verdictWord(r.valid), anomalyOf(r), dim(show(r.runDir))]),
        90,
      ),
      '',
      valid
        ? `All ${results.length} crash points valid.`
        : `${bad.length} of ${results.length} crash points not valid; replay one with: ${bad[0]!.replay}`,
      '',
    ].join('\n'),
  );
  return valid;
}
