/** `ordeal init adapter NAME [--lang js|python]`: an adapter and worker skeleton on the public API, gated as it is. */
import { relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { initAdapter, WORKER_LANGS } from '../init/adapter-kit.js';
import { checkFlags, outProblem } from './flags.js';

/**
 * The longest adapter name: it names the adapter's directory (the default --dir) and is part of every run folder's
 * name, `<time>-<scenario>-<adapter>-<id>`, which must stay within a file name's 255 bytes.
 */
export const MAX_ADAPTER_NAME = 64;

const KEBAB = /^[a-z0-9][a-z0-9-]*$/;

export function initCommand(y: Argv) {
  return y.command(
    'init adapter <name>',
    'write an adapter and a worker skeleton for your own agent (ordeal/adapter, ordeal/agent) with a gate config that passes as it is',
    (a) =>
      a
        .positional('name', {
          type: 'string',
          demandOption: true,
          describe: `the adapter's kebab-case name (at most ${MAX_ADAPTER_NAME} characters)`,
        })
        .option('lang', { choices: WORKER_LANGS, default: 'js' as const, describe: 'the language of the worker (the agent loop)' })
        .option('dir', { type: 'string', describe: 'where to write it (default: ./<name>)' })
        .option('force', { type: 'boolean', default: false, describe: 'write into a directory that is not empty' })
        .check(
          checkFlags({
            name: { type: 'string', description: "the adapter's name" },
            lang: { type: 'choice', choices: WORKER_LANGS, description: 'the language of the worker' },
            dir: { type: 'out', writes: 'dir', description: 'where the adapter is written' },
            force: { type: 'boolean', description: 'force' },
          }),
        )
        .example('$0 init adapter my-agent --lang python && npx ordeal gate --config my-agent/ordeal.config.json', 'a Python agent, gated'),
    (argv) => {
      if (argv.name.length > MAX_ADAPTER_NAME)
        throw new UsageError(
          `adapter name '${argv.name.slice(0, 24)}…' is ${argv.name.length} characters long: expected at most ${MAX_ADAPTER_NAME} (it names the adapter's directory and is part of every run folder's name), e.g. ordeal init adapter my-agent`,
          'ORD-158',
        );
      const dir = resolve(argv.dir ?? argv.name);
      // --dir was checked with the flags; the default, ./<name>, is checked here (a name that is not kebab-case is refused by initAdapter)
      const problem = argv.dir === undefined && KEBAB.test(argv.name) ? outProblem(dir, 'dir') : undefined;
      if (problem)
        throw new UsageError(
          `'${argv.name}' (the default --dir) ${problem}: expected a directory ordeal can create and write; give --dir`,
          'ORD-143',
        );
      const files = initAdapter(argv.name, argv.lang, dir, argv.force);
      const rel = (f: string) => relative(process.cwd(), f) || f;
      process.stdout.write(`Wrote ${files.map(rel).join(', ')}.\nGate it: npx ordeal gate --config ${rel(resolve(dir, 'ordeal.config.json'))}\n`);
    },
  );
}
