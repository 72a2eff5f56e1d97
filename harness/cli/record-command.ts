/**
 * `ordeal record`: runs a team's agent once, fault-free, with the world's model endpoint forwarding to a real
 * OpenAI-compatible model, and writes what it saw as a scenario (task, fixture, the model's answers turn by turn,
 * the effects it caused) that `ordeal run` and `ordeal gate` then replay under faults without the model.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { adapterManifest, checkAdapterOptions } from '../../adapters/index.js';
import { InputError, UsageError } from '../errors.js';
import { isRecord } from '../json.js';
import { installCleanupHandlers } from '../launch/index.js';
import { recordingScenario, scenarioFromRecording, type RecordingSeed } from '../run/record.js';
import { runCase } from '../run/run-case.js';
import { parseJsonFile, resolveScenario, validateScenario } from '../scenario/index.js';
import { checkEnvironment, parseOpts, resolveAdapterArg } from './common.js';
import { caseFlagSchema, checkFlags, outProblem, type FlagSchema } from './flags.js';

/**
 * `--model-url`: the base URL of an OpenAI-compatible API, without credentials: the URL is written into the recording's
 * files (model.jsonl, history.jsonl, verdict.json), so a `user:password@` or a query parameter named like a credential
 * (`?key=`, `?access_token=`) in it is refused (the key goes in --model-key-env); another query (`?api-version=`) is sent.
 */
export function modelUrl(v: string): string {
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol))
    throw new UsageError(
      `--model-url '${v}': expected the http(s) base URL of an OpenAI-compatible API (chat/completions is appended), e.g. https://api.openai.com/v1`,
      'ORD-152',
    );
  if (url.username || url.password) {
    const hidden = `${url.protocol}//***@${url.host}${url.pathname}`; // the credentials are not printed either
    throw new UsageError(
      `--model-url '${hidden}': holds credentials (user:password@), which would be written into the recording's run folder (model.jsonl, history.jsonl, verdict.json); expected the URL without them: export the API key in a variable and pass --model-key-env VAR`,
      'ORD-152',
    );
  }
  const secret = [...url.searchParams.keys()].find((k) => CREDENTIAL_PARAM.test(k));
  if (secret !== undefined) {
    const hidden = `${url.protocol}//${url.host}${url.pathname}?${secret}=***`;
    throw new UsageError(
      `--model-url '${hidden}': its query parameter '${secret}' looks like a credential, which would be written into the recording's run folder (model.jsonl, history.jsonl, verdict.json); expected the URL without it (a query such as ?api-version= is kept): export the API key in a variable and pass --model-key-env VAR`,
      'ORD-152',
    );
  }
  if (url.hash) throw new UsageError(`--model-url '${v}': a #fragment is never sent to the server; expected the base URL without it`, 'ORD-152');
  return v;
}

/** Query parameters that carry a secret (`key`, `api_key`, `api-key`, `access_token`, `sig`, …). */
const CREDENTIAL_PARAM = /(^|[-_.])(key|apikey|token|secret|password|passwd|sig|signature|auth|authorization|credentials?)$/i;

/** `ordeal record`'s flags (checked before anything starts, --out and --runs included: the agent runs only after). */
const recordFlagSchema = {
  adapter: { type: 'string', description: 'an adapter name or module' },
  'model-url': { type: 'string', description: 'the base URL of an OpenAI-compatible API' },
  'model-key-env': { type: 'string', description: 'the name of an environment variable' },
  model: { type: 'string', description: 'a model name' },
  from: { type: 'string', description: 'a scenario name or file' },
  task: { type: 'string', description: "the user's request" },
  system: { type: 'string', description: 'a system prompt' },
  fixture: { type: 'string', description: 'a fixture .json file' },
  name: { type: 'string', description: "the recorded scenario's name" },
  description: { type: 'string', description: 'one line' },
  out: { type: 'out', writes: 'file', description: 'the scenario file to write' },
  force: { type: 'boolean', description: 'overwrite' },
  expect: { type: 'boolean', description: 'write the expectation' },
  idempotency: caseFlagSchema.idempotency,
  opt: caseFlagSchema.opt,
  runs: { type: 'out', writes: 'dir', description: "where the recording's run folder is written" },
  timeout: caseFlagSchema.timeout,
} as const satisfies FlagSchema;

/** `--model-key-env`: the name of a set environment variable (its value is never printed or written). */
function keyEnv(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new UsageError(
      `--model-key-env '${name}': expected the name of an environment variable holding the API key, e.g. OPENAI_API_KEY`,
      'ORD-153',
    );
  if (!process.env[name])
    throw new UsageError(`--model-key-env ${name}: that environment variable is not set or empty; export the API key in it`, 'ORD-153');
  return name;
}

/** What the agent is given: from --from (a scenario file or name), overridden by --task, --system, --fixture. */
function seedOf(argv: { from?: string; task?: string; system?: string; fixture?: string; name?: string; description?: string }): RecordingSeed {
  const base = argv.from ? resolveScenario(argv.from) : undefined;
  const task = argv.task ?? base?.task;
  if (!task) throw new UsageError('ordeal record needs the user\'s task: give --task "…" or --from a scenario whose task to use', 'ORD-154');
  const name = argv.name ?? (base ? `${base.name}-recorded` : undefined);
  if (!name || !/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new UsageError(
      `--name ${name ?? '(missing)'}: expected the kebab-case name of the recorded scenario (a-z, 0-9, -), e.g. --name refund-live`,
      'ORD-155',
    );
  let fixture = base?.fixture ?? { resources: {}, workspace: {} };
  if (argv.fixture) {
    const raw = parseJsonFile(argv.fixture);
    if (!isRecord(raw))
      throw new InputError(`${argv.fixture}: expected a JSON object {"resources": {…}, "workspace": {"path": "content"}}`, 'ORD-243');
    // the scenario validator checks the fixture's fields and names this file
    fixture = validateScenario({ name, description: '-', task, fixture: raw, cassette: [{ final: '-' }] }, argv.fixture).fixture;
  }
  return {
    name,
    description: argv.description ?? `recorded from a real model: ${task.length > 60 ? `${task.slice(0, 57)}…` : task}`,
    task,
    ...((argv.system ?? base?.system) ? { system: argv.system ?? base!.system! } : {}),
    fixture,
    ...(base?.human ? { human: base.human } : {}),
  };
}

export function recordCommand(y: Argv) {
  return y.command(
    'record',
    "record a scenario from a real model: run your agent once with the world's model forwarding to an OpenAI-compatible API, write task, fixture, cassette and expectation",
    (a) =>
      a
        .option('adapter', {
          type: 'string',
          default: 'reference',
          describe: 'a registered adapter, or a path to your adapter module (.mjs/.js/.ts)',
        })
        .option('model-url', {
          type: 'string',
          demandOption: true,
          describe: 'base URL of the OpenAI-compatible API, e.g. https://api.openai.com/v1',
        })
        .option('model-key-env', {
          type: 'string',
          describe: 'name of the environment variable holding the API key (sent as a Bearer token; never written)',
        })
        .option('model', { type: 'string', describe: 'the model name sent upstream (default: the one the agent asks for)' })
        .option('from', { type: 'string', describe: 'a scenario (name or file) whose task, system prompt, fixture and human to use' })
        .option('task', { type: 'string', describe: "the user's request (overrides --from's)" })
        .option('system', { type: 'string', describe: "a system prompt (overrides --from's)" })
        .option('fixture', { type: 'string', describe: 'a JSON file {"resources": {…}, "workspace": {"path": "content"}} (overrides --from\'s)' })
        .option('name', { type: 'string', describe: "the recorded scenario's name (default: <from>-recorded)" })
        .option('description', { type: 'string', describe: 'one line for ordeal list' })
        .option('out', { type: 'string', describe: 'the scenario file to write (default: <name>.json)' })
        .option('force', { type: 'boolean', default: false, describe: 'overwrite --out if it exists' })
        .option('expect', {
          type: 'boolean',
          default: true,
          describe: 'write the expectation seen (effects, answer, workspace); --no-expect leaves it to the calm run of each gate',
        })
        .option('idempotency', { choices: ['framework', 'none'] as const, default: 'framework' as const, describe: 'as for ordeal run' })
        .option('opt', { type: 'string', array: true, describe: 'adapter option key=value (repeatable)' })
        .option('runs', { type: 'string', default: 'runs', describe: "where the recording's run folder is written" })
        .option('timeout', { type: 'number', describe: "milliseconds the agent may take (default: the adapter's, 60000 for most)" })
        .check(checkFlags(recordFlagSchema))
        .example(
          '$0 record --from refund-agent --model-url https://api.openai.com/v1 --model-key-env OPENAI_API_KEY --model gpt-4o-mini',
          'record refund-agent-recorded.json',
        )
        .example(
          '$0 record --adapter ./my-adapter.mjs --task "Refund order 1042" --fixture fixture.json --name refund-live --model-url http://127.0.0.1:8000/v1',
          'your own agent, a local model',
        ),
    async (argv) => {
      checkEnvironment();
      const url = modelUrl(argv['model-url']);
      const key = keyEnv(argv['model-key-env']);
      const seed = seedOf(argv);
      const out = resolve(argv.out ?? `${seed.name}.json`);
      // --out itself was checked with the flags; the default, <name>.json, is checked here
      const problem = argv.out === undefined ? outProblem(out, 'file') : undefined;
      if (problem)
        throw new UsageError(
          `${relative(process.cwd(), out) || out} (the default --out) ${problem}: expected a file path ordeal can write; give --out`,
          'ORD-143',
        );
      if (existsSync(out) && !argv.force)
        throw new UsageError(`--out ${relative(process.cwd(), out) || out} exists; give --force to overwrite it`, 'ORD-156');
      const name = await resolveAdapterArg(argv.adapter);
      const manifest = adapterManifest(name);
      const options = checkAdapterOptions(name, parseOpts(argv.opt));
      installCleanupHandlers();
      process.stderr.write(`ordeal record: running ${name} with its model calls forwarded to ${url}${argv.model ? ` (model ${argv.model})` : ''}\n`);
      const r = await runCase({
        adapter: await manifest.load(),
        scenario: recordingScenario(seed),
        schedule: [],
        idempotency: argv.idempotency,
        seed: Date.now() % 2 ** 31,
        outDir: resolve(argv.runs),
        timeoutMs: argv.timeout ?? manifest.caseTimeoutMs ?? 60_000,
        options,
        model: { url, ...(key ? { keyEnv: key } : {}), ...(argv.model ? { name: argv.model } : {}) },
      });
      const scenario = scenarioFromRecording(seed, r.runDir, argv.expect);
      const { file: _file, expectFrom: _from, ...full } = scenario;
      const { expect: _expect, ...bare } = full;
      const data = argv.expect ? full : bare; // without expect, the gate's calm run is the reference
      validateScenario(JSON.parse(JSON.stringify(data)), out); // what is written loads back
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(data, null, 2) + '\n');
      const calls = scenario.cassette.reduce((n, t) => n + ('calls' in t ? t.calls.length : 0), 0);
      // the effects the agent applied, whether or not they are written down as the expectation
      const effects = argv.expect ? scenario.expect.effects.length : scenarioFromRecording(seed, r.runDir, true).expect.effects.length;
      process.stdout.write(
        `Recorded ${scenario.cassette.length} model turn(s), ${calls} tool call(s) and ${effects} effect(s) into ${relative(process.cwd(), out) || out}` +
          `${argv.expect ? '' : ' (no expect: gates judge it against its calm run)'}.\nRecording run folder: ${r.runDir}\n` +
          (name === argv.adapter
            ? `Replay it under a fault: ordeal run --scenario ${relative(process.cwd(), out) || out} --adapter ${name} --fault kill-worker@after-effect:1\n`
            : `Gate on it: add it to your gate config's "scenarios" beside {"module": "${argv.adapter}"} and run ordeal gate\n`),
      );
    },
  );
}
