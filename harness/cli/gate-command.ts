/** `ordeal gate`: runs the matrix a team commits to (ordeal.config.ts|.json), writes HTML, Markdown and JUnit, and fails CI on a violation. */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { buildComparison, loadRun, renderers } from '../../reports/index.js';
import { ExitCode, UsageError } from '../errors.js';
import { evaluateGate, findConfig, gateMarkdown, loadGateConfig, planGate } from '../gate/index.js';
import { scheduleLabel } from '../run/summary.js';
import type { CaseJob } from './common.js';
import { executeMatrix, matrixCase, resumeFlag } from './matrix.js';
import { mergeShards } from '../run/resume.js';
import { CaseProgress } from './case-progress.js';
import { parseJobs, parseShard, shardOf } from '../run/pool.js';
import { jobsFlag, shardFlag } from './run-command.js';
import { verdictWord } from './table.js';
import { withLauncherFlags } from './launcher-flags.js';
import { interrupted, onInterrupt } from '../launch/index.js';
import { checkFlags } from './flags.js';

const label = (j: CaseJob) => `${j.case.adapter} · ${j.case.scenario.name} · ${scheduleLabel(j.case.schedule)} · ${j.exec.idempotency}`;

export function gateCommand(y: Argv) {
  return y.command(
    'gate',
    'CI mode: run the matrix of ordeal.config.ts|.mjs|.js|.json, write HTML, Markdown and JUnit reports, exit 1 on a violated guarantee or threshold',
    (a) =>
      withLauncherFlags(a)
        .option('config', { type: 'string', describe: 'the gate config (default: ordeal.config.ts, .mjs, .js or .json in the working directory)' })
        .option('out', {
          type: 'string',
          default: 'ordeal-report',
          describe: 'where report.html, report.md and junit.xml are written (run folders go in its runs/)',
        })
        .option('jobs', jobsFlag)
        .option('resume', resumeFlag)
        .option('shard', shardFlag)
        .option('merge', {
          type: 'string',
          array: true,
          describe: "combine the --out directories of the shards' gates (--shard i/n) into the report and verdict of the whole matrix; runs nothing",
        })
        .check(
          checkFlags({
            config: { type: 'string', description: 'a gate config file' },
            out: { type: 'out', writes: 'dir', description: 'where the reports and run folders are written' },
          }),
        )
        .example('$0 gate --config ordeal.config.json', 'run the committed matrix and gate on it'),
    async (argv) => {
      const config = await loadGateConfig(findConfig(argv.config));
      // the config's launcher and images, unless the command line gave them
      if (config.launcher && argv.launcher === undefined) process.env.ORDEAL_LAUNCHER = config.launcher;
      if (config.images && argv.image === undefined) process.env.ORDEAL_IMAGES = config.images.join(' ');
      const plan = await planGate(config);
      const out = resolve(argv.out);
      const runsDir = join(out, 'runs');
      // every flag checked before anything is written
      const shard = parseShard(argv.shard);
      if (argv.merge && (shard || argv.resume))
        throw new UsageError('--merge combines finished shards: it runs nothing, so --shard and --resume do not apply', 'ORD-197');
      const jobs = argv.merge ? 1 : parseJobs(argv.jobs);
      mkdirSync(runsDir, { recursive: true });
      const all: CaseJob[] = plan.flatMap((item) =>
        item.cases.map((c) => ({
          case: c,
          exec: {
            idempotency: item.idempotency,
            seed: config.seed,
            out: runsDir,
            ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
            options: item.options,
          },
        })),
      );
      const list = shardOf(all, shard).map((j) => j.item);
      const total = list.length;
      const from = relative(process.cwd(), config.file) || config.file;
      let dirs: string[];
      if (argv.merge) {
        const found = mergeShards(
          argv.merge.map((d) => join(resolve(d), 'runs')),
          config.seed,
          all.map(matrixCase),
        );
        const missing = all.filter((_, i) => !found.has(i));
        if (missing.length)
          throw new UsageError(
            `--merge: ${missing.length} of ${all.length} case(s) of ${from} have no judged run folder in ${argv.merge.join(', ')} (e.g. ${label(missing[0]!)}); expected the --out of every shard 1/n … n/n`,
            'ORD-198',
          );
        process.stderr.write(
          `ordeal gate: merged ${all.length} case(s) of ${from} from ${argv.merge.length} shard director${argv.merge.length === 1 ? 'y' : 'ies'}\n`,
        );
        dirs = all.map((_, i) => found.get(i)!.runDir);
      } else {
        const progress = new CaseProgress(`gate (${jobs} at a time)`, total);
        const tty = process.stderr.isTTY === true;
        const finished: string[] = [];
        let bad = 0;
        // stopped by a signal: the reports of the cases that finished are still written
        onInterrupt(() => {
          progress.stop();
          const comparison = buildComparison(finished.map(loadRun));
          writeFileSync(join(out, 'report.html'), renderers.html(comparison));
          writeFileSync(join(out, 'report.md'), renderers.md(comparison));
          writeFileSync(join(out, 'junit.xml'), renderers.junit(comparison));
          process.stdout.write(
            `ordeal gate: INTERRUPTED after ${finished.length} of ${total} case(s), ${bad} failing; reports of those in ${out}/ (report.html, report.md, junit.xml).\n`,
          );
        });
        process.stderr.write(
          `ordeal gate: ${total}${shard ? ` of ${all.length}` : ''} case(s) from ${from}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}\n`,
        );
        const results = await executeMatrix(list, jobs, runsDir, argv.resume, {
          onResume: (kept, torn) =>
            progress.log(
              `ordeal gate: resuming: ${kept} of ${total} case(s) already judged are kept${torn.length ? `; ${torn.length} torn case(s) moved to ${torn.join(', ')} run again` : ''}`,
            ),
          onStart: (_c, i) => progress.started(i, label(list[i]!)),
          onEnd: (s, i) => {
            progress.ended(i, s.valid);
            if (interrupted()) return; // cut short by the signal
            finished.push(s.runDir);
            if (s.valid !== true) bad++;
          },
          onCase: (s, i) => {
            if (!tty) progress.log(`[${i + 1}/${total}] ${label(list[i]!)} → ${verdictWord(s.valid)}`);
          },
        }).finally(() => progress.stop());
        dirs = results.map((s) => s.runDir);
      }
      const comparison = buildComparison(dirs.map(loadRun));
      const violations = evaluateGate(comparison.cases, config);
      const md = `${gateMarkdown(violations, config)}\n${renderers.md(comparison)}`;
      writeFileSync(join(out, 'report.html'), renderers.html(comparison));
      writeFileSync(join(out, 'report.md'), md);
      writeFileSync(join(out, 'junit.xml'), renderers.junit(comparison));
      if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, md);
      const rel = relative(process.cwd(), out);
      const where = rel && !rel.startsWith('..') ? rel : out;
      if (violations.length === 0)
        process.stdout.write(
          `ordeal gate: PASSED — ${total} case(s), every required guarantee and threshold held. Reports in ${where}/ (report.html, report.md, junit.xml).\n`,
        );
      else {
        const failing = new Set(violations.map((v) => v.caseId)).size;
        process.stdout.write(`ordeal gate: FAILED — ${violations.length} violation(s) in ${failing} of ${dirs.length} case(s):\n`);
        for (const v of violations) process.stdout.write(`  ${v.label}: ${v.message}\n    replay: ${v.replay}\n`);
        process.stdout.write(`Reports in ${where}/ (report.html, report.md, junit.xml).\n`);
      }
      process.exitCode = violations.length === 0 ? ExitCode.ok : ExitCode.violated;
    },
  );
}
