import type { Argv } from 'yargs';
import { adapterManifests } from '../../adapters/index.js';
import { planCases } from '../run/plan.js';
import { overall } from '../run/summary.js';
import { ExitCode } from '../errors.js';
import { caseOptions, executeCases, interruptedSummary, replayLines, verdictTable } from './common.js';
import { interrupted, onInterrupt } from '../launch/index.js';
import type { CaseSummary } from '../run/summary.js';
import { scheduleLabel } from '../run/summary.js';
import { verdictWord } from './table.js';
import { caseFlagSchema, checkFlags } from './flags.js';

export const caseFlags = <T>(y: Argv<T>) =>
  withAdapterFlags(y)
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
    .option('otlp-endpoint', otlpEndpointFlag);

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
  // checked when cases run (checkOtlpEndpoint): a throw inside coerce would surface as an internal error
  coerce: (v: unknown) => (process.env.ORDEAL_OTLP_ENDPOINT = String(Array.isArray(v) ? v[v.length - 1] : v)),
} as const;

/** `ordeal run`'s flags (checked before anything starts). */
export const runFlagSchema = {
  ...caseFlagSchema,
  scenario: { type: 'string', repeat: 'many', description: 'a scenario name or a path to a scenario .json' },
  fault: { type: 'string', repeat: 'many', description: 'FAULT@TRIGGER[,key=value…]' },
  schedule: { type: 'string', description: 'a schedule .json file' },
} as const;

export function runCommand(y: Argv) {
  return y.command(
    'run',
    'run cases: every scenario under the standard kill points on the reference runtime, unless told otherwise',
    (a) =>
      caseFlags(
        a
          .option('adapter', { type: 'string', default: 'reference', describe: 'the framework to run on (see ordeal list)' })
          .option('scenario', { type: 'string', array: true, describe: 'scenario name or path to a scenario .json (repeatable; default: all)' })
          .option('fault', {
            type: 'string',
            array: true,
            describe: 'FAULT@TRIGGER[,key=value…], e.g. kill-worker@after-effect:1 (repeatable: one schedule)',
          })
          .option('schedule', { type: 'string', describe: 'a schedule.json file: [{"fault": …, "at": …}]' }),
      )
        .check(checkFlags(runFlagSchema))
        .example('$0 run --scenario refund-agent --fault kill-worker@after-effect:1 --idempotency none', 'show the duplicated refund'),
    async (argv) => {
      const options = caseOptions(argv);
      const cases = planCases({
        adapter: argv.adapter,
        options,
        ...(argv.scenario ? { scenarios: argv.scenario } : {}),
        ...(argv.fault ? { faults: argv.fault } : {}),
        ...(argv.schedule ? { scheduleFile: argv.schedule } : {}),
      });
      const seed = argv.seed ?? Date.now() % 2 ** 31;
      const json = argv.json;
      const finished: CaseSummary[] = [];
      onInterrupt(() => process.stdout.write(interruptedSummary(finished, cases.length, seed, json)));
      const results = await executeCases(cases, {
        idempotency: argv.idempotency,
        seed,
        out: argv.out,
        timeoutMs: argv.timeout,
        options,
        onCase: (s, i, n) => {
          if (interrupted()) return; // a case cut short by the signal: not one that finished
          finished.push(s);
          if (!json) process.stderr.write(`[${i + 1}/${n}] ${s.scenario} ${scheduleLabel(s.schedule)} → ${verdictWord(s.valid)}\n`);
        },
      });
      const valid = overall(results);
      if (json) process.stdout.write(JSON.stringify({ valid, seed, cases: results }, null, 2) + '\n');
      else {
        process.stdout.write(`\n${verdictTable(results)}\n\n`);
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
