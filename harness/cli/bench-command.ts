import type { Argv } from 'yargs';
import { adapterNames, findAdapter } from '../../adapters/index.js';
import { UsageError } from '../errors.js';
import { benchTable, runBench } from '../../bench/index.js';
import { checkLauncher } from '../launch/index.js';
import { withLauncherFlags } from './launcher-flags.js';
import { parseJobs } from '../run/pool.js';
import { checkFlags } from './flags.js';
import { resolveAdapterArg } from './common.js';

/** `--steps 1,10,100` → [1, 10, 100]: positive integers, or a usage error naming the value. */
export function parseSteps(text: string): number[] {
  const steps = text.split(',').map((s) => Number(s.trim()));
  if (steps.length === 0 || steps.some((n) => !Number.isInteger(n) || n <= 0 || n > 10_000) || !steps.some((n) => n >= 2))
    throw new UsageError(
      `--steps ${text}: expected comma-separated positive integers up to 10000, at least one of them 2 or more (a step's cost is (T(N) − T(1)) / (N − 1)), e.g. 1,10,100`,
      'ORD-111',
    );
  return [...new Set(steps)].sort((a, b) => a - b);
}

/** `--adapter a,b` → the adapters to bench; left out: every registered one. Empty (`''`, `,`) or a name twice is refused. */
export function parseAdapters(text: string | undefined): string[] {
  if (text === undefined) return adapterNames();
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !findAdapter(n));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--adapter '${text}': ${unknown.length ? `unknown adapter ${unknown.map((n) => `'${n}'`).join(', ')}` : 'names no adapter'}; expected some of ${adapterNames().join(', ')}, comma-separated (leave --adapter out for every one)`,
      'ORD-112',
    );
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--adapter '${text}': '${twice}' given twice: expected each adapter once`, 'ORD-112');
  return names;
}

export function benchCommand(y: Argv) {
  return y.command(
    'bench',
    "per-step cost of a chain of turns and of a fan-out turn per adapter, beside each shape's physical floor (fdatasync, loopback HTTP) measured in the same run; throughput, recovery time, peak RSS",
    (a) =>
      withLauncherFlags(a)
        .option('adapter', {
          type: 'string',
          describe: 'comma-separated adapters, or paths to your own adapter modules (default: every registered one)',
        })
        .option('steps', {
          type: 'string',
          default: '1,10,100',
          describe: 'numbers of steps per run (chain: turns; fan-out: calls in the turn), comma-separated',
        })
        .option('quick', { type: 'boolean', default: false, describe: 'fewer repetitions and concurrency 2 (a smoke run, not a measurement)' })
        .option('out', { type: 'string', default: 'bench-results', describe: 'directory for bench.json (and, while running, the bench runs)' })
        .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON instead of the table' })
        .option('jobs', {
          type: 'string', // checked by parseJobs, which shows a bad value as typed
          describe: "cases at the same time in the harness's cases-per-minute figure (default: the number of cores)",
        })
        .check(
          checkFlags({
            adapter: { type: 'string', description: 'adapter names, comma-separated' },
            steps: { type: 'string', description: 'step counts, e.g. 1,10,100' },
            out: { type: 'out', writes: 'dir', description: 'where bench.json is written' },
            jobs: { type: 'string', description: 'cases at the same time' },
            launcher: { type: 'choice', choices: ['native', 'containers'], description: 'where engines run', code: 'ORD-108' },
          }),
        )
        .example('$0 bench --adapter reference,restate --steps 1,10,100', 'compare two adapters on both shapes against their floors'),
    async (argv) => {
      checkLauncher();
      // a team's own adapter module may be named by its path among the adapters
      if (argv.adapter) {
        const resolved: string[] = [];
        for (const a of argv.adapter.split(',')) resolved.push(a.trim() ? await resolveAdapterArg(a.trim()) : a);
        argv.adapter = resolved.join(',');
      }
      const names = parseAdapters(argv.adapter);
      const steps = parseSteps(argv.steps);
      const jobs = parseJobs(argv.jobs);
      const result = await runBench({
        adapters: names,
        steps,
        quick: argv.quick,
        out: argv.out,
        jobs,
        log: (l) => process.stderr.write(`bench: ${l}\n`),
      });
      process.stdout.write(argv.json ? JSON.stringify(result, null, 2) + '\n' : `\n${benchTable(result)}\n`);
    },
  );
}
