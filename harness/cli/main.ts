/** The `ordeal` command line. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ensureError, ExitCode, OrdealError } from '../errors.js';
import { interrupted, killAllGroups } from '../launch/index.js';
import { commands } from './commands.js';
import { checkEveryFlag, type DeclaredFlags } from './flags.js';

function fail(e: unknown): never {
  const err = ensureError(e);
  killAllGroups();
  if (interrupted()) process.exit(interrupted()); // a case cut short by SIGINT/SIGTERM fails on its way out: the interruption already said what was done
  if (err instanceof OrdealError) {
    process.stderr.write(`ordeal: ${err.message} [${err.code}]\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`ordeal: internal error: ${err.stack ?? err.message}\n`);
  process.exit(ExitCode.harness);
}

// a reader that stops early (`ordeal list | head`) closes the pipe: stop quietly, and stop what the command started
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') fail(e);
  killAllGroups();
  process.exit(0);
});

// the check of every command: a flag that takes one value given twice, a switch given a value (exit 2)
let cli = yargs(hideBin(process.argv))
  .scriptName('ordeal')
  // yargs hands a check its getOptions() (typed as the aliases)
  .check((argv, declared) => checkEveryFlag(argv, declared as unknown as DeclaredFlags));
for (const add of commands) cli = add(cli);
try {
  await cli
    .demandCommand(1, 'give a command: run, check, replay, report, bench, engines, gate, record, init or list (see --help)')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) fail(err);
      process.stderr.write(`ordeal: ${msg}\n(see ordeal --help)\n`);
      process.exit(ExitCode.usage);
    })
    .parseAsync();
} catch (e) {
  fail(e);
}
