import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../errors.js';
import { enginesRoot, engineStatus, engines, installEngines } from '../engines/index.js';
import { dim, green, red, table } from './table.js';
import { buildLocalImages } from '../launch/images.js';

export function enginesCommand(y: Argv) {
  return y.command(
    'engines <action> [names..]',
    'install the real engines into .engines/ (cached), show where each one is, or build local container images of them',
    (a) =>
      a
        .positional('action', {
          choices: ['install', 'status', 'images'] as const,
          describe:
            'install: fetch and build what is missing; status: show each engine; images: build ordeal-local/ENGINE:VERSION images ' +
            'of the installed engines (for --launcher containers where no registry is reachable) and print their --image flags',
        })
        .positional('names', {
          type: 'string',
          array: true,
          describe: `engines (default all): ${Object.keys(engines).join(', ')}`,
        })
        .option('force', { type: 'boolean', default: false, describe: 'reinstall even when the pinned version is there' })
        .option('json', { type: 'boolean', default: false }),
    async (argv) => {
      const root = enginesRoot();
      const names = argv.names?.length ? argv.names : 'all';
      const unknown = names === 'all' ? [] : names.filter((n) => !Object.hasOwn(engines, n));
      if (unknown.length)
        throw new UsageError(
          `unknown engine ${unknown.map((n) => `"${n}"`).join(', ')}: expected some of ${Object.keys(engines).join(', ')}`,
          'ORD-101',
        );
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
      if (argv.action === 'images') {
        const images = buildLocalImages(root, log);
        const flags = images.filter((i) => i.status === 'built').map((i) => `--image ${i.engine}=${i.image}`);
        if (argv.json) process.stdout.write(JSON.stringify({ root, images, flags }, null, 2) + '\n');
        else {
          process.stdout.write(
            table(
              ['engine', 'image', 'result'],
              images.map((i) => [i.engine, i.image, i.status]),
              100,
            ) + '\n',
          );
          process.stdout.write(`${flags.join(' ')}\n`);
        }
        return;
      }
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
