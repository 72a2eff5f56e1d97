import { join } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, InputError, OrdealError, UsageError } from '../errors.js';
import { adapterManifest, checkAdapterOptions, findAdapter } from '../../adapters/index.js';
import { expectation, parseValue } from '../run/options.js';
import { registerAdapterModule } from '../gate/load.js';
import { checkAdapterName, checkEngineLink, checkMachineFaults } from '../run/plan.js';
import { parseJsonFile, validateScenario } from '../scenario/index.js';
import { FILES, isRunFolder } from '../store/index.js';
import { readRunInfo } from '../store/run-info.js';
import { validateSchedule } from '../faults/index.js';
import { executeCases, replayLines, verdictTable } from './common.js';
import { otlpEndpointFlag } from './run-command.js';
import { replayFromSeed, replaySeedFlags, SEED_ONLY_FLAGS } from './replay-seed.js';
import { caseFlagSchema, checkFlags } from './flags.js';
import { withLauncherFlags } from './launcher-flags.js';

/**
 * The adapter options run.json records, as strings (a number or a boolean there is its text), checked against the
 * adapter's schema: a bad one is an input error naming the file and the field (ORD-220), not an `--opt` never given.
 */
function recordedOptions(adapter: string, raw: Record<string, unknown>, file: string): Record<string, string> {
  const fail: (field: string, what: string) => never = (field, what) => {
    throw new InputError(`${file}: field '${field}' ${what}; expected a run.json as ordeal run writes it`, 'ORD-220');
  };
  const schema = adapterManifest(adapter).options;
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    options[k] = String(v);
    if (!schema) continue; // a team's adapter without a schema takes its options unchecked
    const spec = Object.hasOwn(schema, k) ? schema[k] : undefined;
    if (!spec) fail(`options.${k}`, `is not an option of the ${adapter} adapter (it takes ${Object.keys(schema).join(', ') || 'none'})`);
    try {
      parseValue(k, spec, String(v));
    } catch {
      fail(`options.${k}`, `must be ${expectation(spec)} (got ${JSON.stringify(v)})`);
    }
  }
  try {
    return checkAdapterOptions(adapter, options);
  } catch (e) {
    // a rule across options (the manifest's check) names them as --opt: they came from this file
    if (e instanceof OrdealError && e.message.startsWith('--opt ')) fail('options', `is refused by the ${adapter} adapter: ${e.message.slice(6)}`);
    throw e;
  }
}

/** `ordeal replay`'s flags (checked before anything starts). */
const replayFlagSchema = {
  ...caseFlagSchema,
  'run-folder': { type: 'string', description: 'a run folder' },
  path: { type: 'string', description: "fast-check's path, e.g. 12:0:3" },
  scenario: { type: 'string', description: 'a scenario name or a path to a scenario .json' },
  faults: { type: 'string', repeat: 'many', description: 'fault names, comma-separated' },
  'max-faults': { type: 'integer', min: 1, max: 100, description: 'faults per schedule', code: 'ORD-123' },
} as const;

export function replayCommandCli(y: Argv) {
  return y.command(
    'replay [run-folder]',
    'rerun exactly the case of a run folder (same adapter, scenario, schedule, seed and options), or the case of ordeal check at --seed and --path',
    (a) =>
      replaySeedFlags(withLauncherFlags(a))
        .positional('run-folder', { type: 'string', describe: 'a folder under runs/' })
        .option('out', { type: 'string', default: 'runs', describe: 'where the new run folder is written' })
        .option('timeout', {
          type: 'number',
          describe: "milliseconds to wait for the run to finish (default: the folder's own, as run.json records it; else the adapter's)",
        })
        .option('json', { type: 'boolean', default: false })
        .option('otlp-endpoint', otlpEndpointFlag)
        .check(checkFlags(replayFlagSchema)),
    async (argv) => {
      const dir = argv['run-folder'];
      const seedFlags = SEED_ONLY_FLAGS.filter((f) => argv[f] !== undefined).map((f) => `--${f}`);
      if (dir !== undefined && seedFlags.length)
        throw new UsageError(
          `replay ${dir}: ${seedFlags.join(', ')} ${seedFlags.length === 1 ? 'is' : 'are'} for replay --seed S --path P, not for a run folder, which is replayed as its run.json records it (adapter, scenario, schedule, seed, idempotency, options): give either the folder or --seed and --path`,
          'ORD-126',
        );
      if (argv.seed !== undefined || argv.path !== undefined) return replayFromSeed(argv as never);
      if (!dir) throw new UsageError('replay: give a run folder, or --seed and --path as printed by ordeal check', 'ORD-126');
      if (!isRunFolder(dir))
        throw new InputError(`${dir}: not a run folder (expected a folder with ${FILES.run}, as written by ordeal run)`, 'ORD-211');
      const info = readRunInfo(dir);
      // a team's own adapter: its module, as run.json recorded it, is loaded again
      if (info.adapterModule && !findAdapter(info.adapter)) {
        const name = await registerAdapterModule(info.adapterModule, join(dir, FILES.run), 'adapterModule');
        if (name !== info.adapter)
          throw new InputError(
            `${join(dir, FILES.run)}: the adapter module ${info.adapterModule} is now named '${name}', the run was of '${info.adapter}'`,
            'ORD-220',
          );
      }
      checkAdapterName(info.adapter);
      const scenario = validateScenario(parseJsonFile(join(dir, FILES.scenario)), join(dir, FILES.scenario));
      if (info.scenarioFile) scenario.file = info.scenarioFile;
      const schedule = validateSchedule(parseJsonFile(join(dir, FILES.schedule)), join(dir, FILES.schedule));
      const options = recordedOptions(info.adapter, info.options ?? {}, join(dir, FILES.run));
      checkEngineLink(schedule, info.adapter, options);
      checkMachineFaults(
        schedule.map((f) => f.fault),
        info.adapter,
        options,
      );
      const results = await executeCases([{ adapter: info.adapter, scenario, schedule }], {
        idempotency: info.idempotency,
        seed: info.seed,
        out: argv.out,
        // the case waited as long as it did the first time, unless --timeout says otherwise
        timeoutMs: argv.timeout ?? info.timeoutMs,
        options,
        ...(info.path ? { path: info.path } : {}),
      });
      const r = results[0]!;
      if (argv.json) process.stdout.write(JSON.stringify({ valid: r.valid, seed: info.seed, cases: results }, null, 2) + '\n');
      else process.stdout.write(`${verdictTable(results)}\n${replayLines(results)}\n`);
      process.exitCode = r.valid === true ? ExitCode.ok : ExitCode.violated;
    },
  );
}
