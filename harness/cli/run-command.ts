import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { adapterManifests } from '../../adapters/index.js';
import { planCases } from '../run/plan.js';
import { overall } from '../run/summary.js';
import { ExitCode } from '../errors.js';
import { calmRunLines, caseOptions, interruptedSummary, replayLines, resolveAdapterArg, verdictTable } from './common.js';
import { interrupted, onInterrupt } from '../launch/index.js';
import type { CaseSummary } from '../run/summary.js';
import { caseFlagSchema, checkFlags } from './flags.js';
import { executeMatrix, resumeFlag, seedToResume } from './matrix.js';
import { scheduleLabel } from '../run/summary.js';
import { verdictWord } from './table.js';
import { withLauncherFlags } from './launcher-flags.js';
import { parseJobs, parseShard, shardOf } from '../run/pool.js';
import { UsageError } from '../errors.js';
import { CaseProgress } from './case-progress.js';

export const caseFlags = <T>(y: Argv<T>) =>
  withLauncherFlags(withAdapterFlags(y))
    .option('idempotency', {
      choices: ['framework', 'none'] as const,
      default: 'framework' as const,
      describe: 'tools send an idempotency key from the framework (framework) or none, as naive code does',
    })
    .option('seed', { type: 'number', describe: 'seed of every random choice (retry jitter, generated schedules); recorded in run.json' })
    .option('out', { type: 'string', default: 'runs', describe: 'where run folders are written' })
    .option('timeout', {
      type: 'number',
      describe: "milliseconds to wait for a run to finish before it counts as stuck (default: the adapter's, 60000 for most)",
    })
    .option('opt', {
      type: 'string',
      array: true,
      describe: "adapter option key=value (repeatable), e.g. synchronous=NORMAL; ordeal list shows each adapter's",
    })
    .option('json', { type: 'boolean', default: false, describe: 'print machine-readable JSON instead of the table' })
    .option('otlp-endpoint', otlpEndpointFlag)
    .option('jobs', jobsFlag)
    .option('shard', shardFlag);

/** `--shard i/n`: this runner's part of the matrix, for a CI matrix of n runners. */
export const shardFlag = {
  type: 'string',
  describe: "run only this runner's part of the matrix, i of n (e.g. 2/3): n runners with the same matrix and seed cover it once",
} as const;

/**
 * `--jobs N`: cases at the same time, each in its own world, ports, data directory and process groups. Read as text and
 * checked by parseJobs, so that a bad value is shown as typed (yargs reads `--jobs abc` of a number flag as NaN).
 */
export const jobsFlag = {
  type: 'string',
  describe: 'cases run at the same time, each with its own world, ports and processes (default: the number of cores; 1: one after the other)',
} as const;

/** The flags adapters declare in their manifests (`flags`), each the same as an `--opt` (read back by caseOptions). */
function withAdapterFlags<T>(y: Argv<T>): Argv<T> {
  for (const m of adapterManifests())
    for (const [flag, opt] of Object.entries(m.flags ?? {})) {
      const spec = m.options?.[opt];
      const choices = spec?.type === 'choice' && !spec.ignoreCase ? { choices: spec.choices } : {};
      y.option(flag, { type: 'string', ...choices, describe: `${m.name}: ${spec?.description ?? opt} (same as --opt ${opt}=…)` });
    }
  return y;
}

/** `--otlp-endpoint URL`: also send every span to this OTLP/HTTP collector; it becomes ORDEAL_OTLP_ENDPOINT, which every case reads. */
export const otlpEndpointFlag = {
  type: 'string',
  describe: 'also send every span (orchestrator and workers) to this OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (same as ORDEAL_OTLP_ENDPOINT)',
  // checked when cases run (checkOtlpEndpoint): a throw inside coerce would surface as an internal error; kept as given,
  // so that given twice it stays an array the flag checks refuse (ORD-141)
  coerce: (v: unknown) => {
    process.env.ORDEAL_OTLP_ENDPOINT = String(Array.isArray(v) ? v[v.length - 1] : v);
    return v as string;
  },
} as const;

/** `ordeal run`'s flags (checked before anything starts). */
export const runFlagSchema = {
  ...caseFlagSchema,
  scenario: { type: 'string', repeat: 'many', description: 'a scenario name or a path to a scenario .json' },
  fault: { type: 'string', repeat: 'many', description: 'FAULT@TRIGGER[,key=value…]' },
  schedule: { type: 'string', description: 'a schedule .json file' },
  jobs: { type: 'string', description: 'cases at the same time' },
  shard: { type: 'string', description: 'i/n' },
  resume: { type: 'boolean', description: 'resume' },
} as const;

/**
 * `--scenario` given more than once names each scenario once: one named twice (by name, or by two spellings of its
 * file's path) would run every case of it twice, as a gate config's entry given twice would (ORD-141).
 */
export function checkScenarioList(list: readonly string[] | undefined): void {
  const seen = new Map<string, string>();
  for (const s of list ?? []) {
    const key = s.endsWith('.json') || s.includes('/') ? resolve(s) : s;
    const before = seen.get(key);
    if (before !== undefined)
      throw new UsageError(
        `--scenario '${s}' given twice${before === s ? '' : ` (also as '${before}')`}: expected each scenario once (one given twice would run each of its cases twice)`,
        'ORD-141',
      );
    seen.set(key, s);
  }
}

export function runCommand(y: Argv) {
  return y.command(
    'run',
    'run cases: every scenario under the standard kill points on the reference runtime, unless told otherwise',
    (a) =>
      caseFlags(
        a
          .option('adapter', {
            type: 'string',
            default: 'reference',
            describe: 'the framework to run on (see ordeal list), or the path of your own adapter module',
          })
          .option('scenario', { type: 'string', array: true, describe: 'scenario name or path to a scenario .json (repeatable; default: all)' })
          .option('fault', {
            type: 'string',
            array: true,
            describe: 'FAULT@TRIGGER[,key=value…], e.g. kill-worker@after-effect:1 (repeatable: one schedule)',
          })
          .option('schedule', { type: 'string', describe: 'a schedule.json file: [{"fault": …, "at": …}]' })
          .option('resume', resumeFlag),
      )
        .check(checkFlags(runFlagSchema))
        .example('$0 run --scenario refund-agent --fault kill-worker@after-effect:1 --idempotency none', 'show the duplicated refund'),
    async (argv) => {
      checkScenarioList(argv.scenario);
      argv.adapter = await resolveAdapterArg(argv.adapter);
      const options = caseOptions(argv);
      const shard = parseShard(argv.shard);
      if (shard && argv.seed === undefined)
        throw new UsageError(`--shard ${argv.shard} needs --seed: every runner of the split must run the matrix with the same seed`, 'ORD-195');
      const cases = shardOf(
        planCases({
          adapter: argv.adapter,
          options,
          ...(argv.scenario ? { scenarios: argv.scenario } : {}),
          ...(argv.fault ? { faults: argv.fault } : {}),
          ...(argv.schedule ? { scheduleFile: argv.schedule } : {}),
        }),
        shard,
      ).map((c) => c.item);
      // resumed without --seed: the seed the interrupted matrix ran with, read from its run folders
      const resumed = argv.resume && argv.seed === undefined ? seedToResume(argv.out, cases, { idempotency: argv.idempotency, options }) : undefined;
      const seed = argv.seed ?? resumed ?? Date.now() % 2 ** 31;
      const json = argv.json;
      const jobs = parseJobs(argv.jobs);
      const progress = json ? undefined : new CaseProgress(`run (${jobs} at a time)`, cases.length);
      const exec = { idempotency: argv.idempotency, seed, out: argv.out, timeoutMs: argv.timeout, options };
      const finished: CaseSummary[] = [];
      onInterrupt(() => {
        progress?.stop();
        process.stdout.write(interruptedSummary(finished, cases.length, seed, json));
      });
      const results = await executeMatrix(
        cases.map((c) => ({ case: c, exec })),
        jobs,
        argv.out,
        argv.resume,
        {
          onResume: (kept, torn) =>
            progress?.log(
              `resuming (seed ${seed}): ${kept} of ${cases.length} cases already judged are kept${torn.length ? `; ${torn.length} torn case(s) moved to ${torn.map((t) => t).join(', ')} run again` : ''}`,
            ),
          onStart: (c, i) => progress?.started(i, `${c.scenario.name} ${scheduleLabel(c.schedule)}`),
          onEnd: (s, i) => {
            progress?.ended(i, s.valid);
            if (!interrupted()) finished.push(s); // a case cut short by the signal is not one that finished
          },
          onCase: (s, i, n) => progress?.log(`[${i + 1}/${n}] ${s.scenario} ${scheduleLabel(s.schedule)} → ${verdictWord(s.valid)}`),
        },
      ).finally(() => progress?.stop());
      const valid = overall(results);
      if (json) process.stdout.write(JSON.stringify({ valid, seed, cases: results }, null, 2) + '\n');
      else {
        process.stdout.write(`\n${verdictTable(results)}\n\n${calmRunLines(results)}`);
        const failing = replayLines(results);
        process.stdout.write(
          valid === true
            ? `All ${results.length} cases valid (seed ${seed}).\n`
            : `${results.filter((r) => r.valid !== true).length} of ${results.length} cases not valid (seed ${seed}):\n${failing}\n`,
        );
      }
      process.exitCode = valid === true ? ExitCode.ok : ExitCode.violated;
    },
  );
}
