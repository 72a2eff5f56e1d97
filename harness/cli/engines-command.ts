import type { Argv } from 'yargs';
import { ExitCode } from '../errors.js';
import { enginesRoot, engineStatus, engines, installEngines } from '../engines/index.js';
import { dim, green, red, table } from './table.js';

export function enginesCommand(y: Argv) {
  return y.command(
    'engines <action> [names..]',
    'install the real engines into .engines/ (cached), or show where each one is',
    (a) =>
      a
        .positional('action', {
          choices: ['install', 'status'] as const,
          describe: 'install: fetch and build what is missing; status: show each engine',
        })
        .positional('names', {
          type: 'string',
          array: true,
          describe: `engines (default all but the opt-in ones): ${Object.values(engines)
            .map((e) => (e.optInEnv ? `${e.name} (opt-in: named, or ${e.optInEnv}=1)` : e.name))
            .join(', ')}`,
        })
        .option('force', { type: 'boolean', default: false, describe: 'reinstall even when the pinned version is there' })
        .option('json', { type: 'boolean', default: false }),
    async (argv) => {
      const root = enginesRoot();
      const names = argv.names?.length ? argv.names : 'all';
      if (argv.action === 'status') {
        const rows = engineStatus(root).filter((r) => names === 'all' || names.includes(r.name));
        if (argv.json) process.stdout.write(JSON.stringify({ root, engines: rows }, null, 2) + '\n');
        else
          process.stdout.write(
            table(
              ['engine', 'version', 'installed', 'path / how to install'],
              rows.map((r) => [
                r.name,
                r.version,
                r.installed ? green('yes') : red('no'),
                r.installed ? `${r.path}${r.note ? ` (${r.note})` : ''}` : dim(r.hint),
              ]),
              100,
            ) + '\n',
          );
        return;
      }
      const log = argv.json ? () => undefined : (line: string) => process.stderr.write(dim(`  ${line}\n`));
      const results = await installEngines(names, {
        root,
        force: argv.force,
        log: (line) => log(line),
      });
      if (argv.json) process.stdout.write(JSON.stringify({ root, results }, null, 2) + '\n');
      else
        process.stdout.write(
          table(
            ['engine', 'version', 'result', 'time', 'path'],
            results.map((r) => [
              r.name,
              r.version,
              r.status === 'failed' ? red(`failed: ${r.error ?? ''}`) : green(r.status),
              `${(r.ms / 1000).toFixed(1)} s`,
              r.path,
            ]),
            100,
          ) + '\n',
        );
      if (results.some((r) => r.status === 'failed')) process.exitCode = ExitCode.harness;
    },
  );
}
