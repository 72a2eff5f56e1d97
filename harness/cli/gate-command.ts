/** `ordeal gate`: runs the matrix a team commits to (ordeal.config.ts|.json), writes HTML, Markdown and JUnit, and fails CI on a violation. */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { buildComparison, loadRun, renderers } from '../../reports/index.js';
import { ExitCode } from '../errors.js';
import { evaluateGate, findConfig, gateMarkdown, loadGateConfig, planGate } from '../gate/index.js';
import { scheduleLabel } from '../run/summary.js';
import type { CaseJob } from './common.js';
import { executeMatrix, resumeFlag } from './matrix.js';
import { CaseProgress } from './case-progress.js';
import { parseJobs } from '../run/pool.js';
import { jobsFlag } from './run-command.js';
import { verdictWord } from './table.js';

export function gateCommand(y: Argv) {
  return y.command(
    'gate',
    'CI mode: run the matrix of ordeal.config.ts|.json, write HTML, Markdown and JUnit reports, exit 1 on a violated guarantee or threshold',
    (a) =>
      a
        .option('config', { type: 'string', describe: 'the gate config (default: ordeal.config.ts, .mjs, .js or .json in the working directory)' })
        .option('out', {
          type: 'string',
          default: 'ordeal-report',
          describe: 'where report.html, report.md and junit.xml are written (run folders go in its runs/)',
        })
        .option('jobs', jobsFlag)
        .option('resume', resumeFlag)
        .example('$0 gate --config ordeal.config.json', 'run the committed matrix and gate on it'),
    async (argv) => {
      const config = await loadGateConfig(findConfig(argv.config));
      const plan = await planGate(config);
      const out = resolve(argv.out);
      const runsDir = join(out, 'runs');
      mkdirSync(runsDir, { recursive: true });
      const total = plan.reduce((n, p) => n + p.cases.length, 0);
      const jobs = parseJobs(argv.jobs);
      const progress = new CaseProgress(`gate (${jobs} at a time)`, total);
      const tty = process.stderr.isTTY === true;
      process.stderr.write(`ordeal gate: ${total} case(s) from ${relative(process.cwd(), config.file) || config.file}\n`);
      const list: CaseJob[] = plan.flatMap((item) =>
        item.cases.map((c) => ({
          case: c,
          exec: { idempotency: item.idempotency, seed: config.seed, out: runsDir, timeoutMs: config.timeoutMs, options: item.options },
        })),
      );
      const label = (j: CaseJob) => `${j.case.adapter} · ${j.case.scenario.name} · ${scheduleLabel(j.case.schedule)} · ${j.exec.idempotency}`;
      const results = await executeMatrix(list, jobs, runsDir, argv.resume, {
        onResume: (kept, torn) =>
          progress.log(`ordeal gate: resuming: ${kept} of ${total} case(s) already judged are kept${torn.length ? `; ${torn.length} torn case(s) moved to ${torn.join(', ')} run again` : ''}`),
        onStart: (_c, i) => progress.started(i, label(list[i]!)),
        onEnd: (s, i) => progress.ended(i, s.valid),
        onCase: (s, i) => {
          if (!tty) progress.log(`[${i + 1}/${total}] ${label(list[i]!)} → ${verdictWord(s.valid)}`);
        },
      }).finally(() => progress.stop());
      const dirs = results.map((s) => s.runDir);
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
        process.stdout.write(`ordeal gate: FAILED — ${violations.length} violation(s) in ${total} case(s):\n`);
        for (const v of violations) process.stdout.write(`  ${v.label}: ${v.message}\n    replay: ${v.replay}\n`);
        process.stdout.write(`Reports in ${where}/ (report.html, report.md, junit.xml).\n`);
      }
      process.exitCode = violations.length === 0 ? ExitCode.ok : ExitCode.violated;
    },
  );
}
