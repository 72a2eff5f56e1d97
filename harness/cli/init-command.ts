/** `ordeal init adapter NAME [--lang js|python]`: an adapter and worker skeleton on the public API, gated as it is. */
import { relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { initAdapter, WORKER_LANGS } from '../init/adapter-kit.js';

export function initCommand(y: Argv) {
  return y.command(
    'init adapter <name>',
    'write an adapter and a worker skeleton for your own agent (ordeal/adapter, ordeal/agent) with a gate config that passes as it is',
    (a) =>
      a
        .positional('name', { type: 'string', demandOption: true, describe: "the adapter's kebab-case name" })
        .option('lang', { choices: WORKER_LANGS, default: 'js' as const, describe: 'the language of the worker (the agent loop)' })
        .option('dir', { type: 'string', describe: 'where to write it (default: ./<name>)' })
        .option('force', { type: 'boolean', default: false, describe: 'write into a directory that is not empty' })
        .example('$0 init adapter my-agent --lang python && npx ordeal gate --config my-agent/ordeal.config.json', 'a Python agent, gated'),
    (argv) => {
      const dir = resolve(argv.dir ?? argv.name);
      const files = initAdapter(argv.name, argv.lang, dir, argv.force);
      const rel = (f: string) => relative(process.cwd(), f) || f;
      process.stdout.write(`Wrote ${files.map(rel).join(', ')}.\nGate it: npx ordeal gate --config ${rel(resolve(dir, 'ordeal.config.json'))}\n`);
    },
  );
}
