/** `ordeal report`: reads run folders and writes a comparison as HTML, Markdown, JSON or JUnit XML. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { renderReport, renderers, type ReportFormat } from '../../reports/index.js';
import type { BenchResult } from '../../bench/index.js';
import { validateBenchResult } from '../../bench/validate-result.js';
import { InputError } from '../errors.js';
import { isRecord } from '../json.js';
import { parseJsonFile } from '../scenario/index.js';
import { checkFlags } from './flags.js';

/** A bench.json as `ordeal bench` writes it; anything else is a clear input error. */
function readBench(file: string): BenchResult {
  const v: unknown = parseJsonFile(file);
  if (!isRecord(v) || !isRecord(v.floor) || !v.adapters)
    throw new InputError(`${file}: not a bench result (expected the bench.json that ordeal bench writes, with "floor" and "adapters")`, 'ORD-233');
  if (!v.floor.chain || !v.floor.fanOut)
    throw new InputError(
      `${file}: a bench result from an older ordeal (no "floor.chain" and "floor.fanOut": the chain and fan-out shapes); run ordeal bench again`,
      'ORD-233',
    );
  if (!isRecord(v.bareLoop))
    throw new InputError(
      `${file}: a bench result from an older ordeal (no "bareLoop": the loop without a framework); run ordeal bench again`,
      'ORD-233',
    );
  return validateBenchResult(v, file);
}

const DEFAULT_FORMAT: ReportFormat = 'html';

export function reportCommand(y: Argv) {
  return y.command(
    'report <runs..>',
    'read run folders (or a runs/ directory) and write a comparison: matrix, timelines, metrics, anomalies with replay commands',
    (a) =>
      a
        .positional('runs', { type: 'string', array: true, demandOption: true, describe: 'run folders, or directories that hold run folders' })
        .option('format', {
          choices: Object.keys(renderers) as ReportFormat[],
          default: DEFAULT_FORMAT,
          describe: 'html (self-contained), md (PR comments, CI summaries), json (everything), junit (CI test results)',
        })
        .option('out', { type: 'string', describe: 'write to this file instead of stdout' })
        .option('bench', { type: 'string', describe: 'a bench.json written by ordeal bench: adds the benchmark section and chart (html, json)' })
        .check(
          checkFlags({
            runs: { type: 'string', repeat: 'many', description: 'run folders or a runs/ directory' },
            format: { type: 'choice', choices: Object.keys(renderers), description: 'the report format' },
            out: { type: 'out', writes: 'file', description: 'the report file' },
            bench: { type: 'string', description: 'a bench.json' },
          }),
        )
        .example('$0 report runs/ --format html --out report.html', 'the side-by-side report of every run in runs/'),
    (argv) => {
      const text = renderReport(argv.runs, argv.format, argv.bench ? readBench(argv.bench) : undefined);
      if (!argv.out) {
        process.stdout.write(text);
        return;
      }
      const file = resolve(argv.out);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      process.stderr.write(`ordeal report: wrote ${argv.out}\n`);
    },
  );
}
