/** `ordeal gate`: runs the matrix a team commits to (ordeal.config.ts|.json), writes HTML, Markdown and JUnit, and fails CI on a violation. */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { buildComparison, loadRun, renderers } from '../../reports/index.js';
import { ExitCode } from '../errors.js';
import { evaluateGate, findConfig, gateMarkdown, loadGateConfig, planGate } from '../gate/index.js';
import { scheduleLabel } from '../run/summary.js';
import { executeCases } from './common.js';
import { interrupted, onInterrupt } from '../launch/index.js';
import { ProgressLine } from './progress.js';
import { verdictWord } from './table.js';
import { checkFlags } from './flags.js';

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
        .check(
          checkFlags({
            config: { type: 'string', description: 'a gate config file' },
            out: { type: 'out', writes: 'dir', description: 'where the reports and run folders are written' },
          }),
        )
        .example('$0 gate --config ordeal.config.json', 'run the committed matrix and gate on it'),
    async (argv) => {
      const config = await loadGateConfig(findConfig(argv.config));
      const plan = await planGate(config);
      const out = resolve(argv.out);
      const runsDir = join(out, 'runs');
      mkdirSync(runsDir, { recursive: true });
      const total = plan.reduce((n, p) => n + p.cases.length, 0);
      const progress = new ProgressLine();
      const tty = process.stderr.isTTY === true;
      let done = 0;
      let bad = 0;
      const dirs: string[] = [];
      process.stderr.write(`ordeal gate: ${total} case(s) from ${relative(process.cwd(), config.file) || config.file}\n`);
      // stopped by a signal: the reports of the cases that finished are still written
      onInterrupt(() => {
        progress.stop();
        const comparison = buildComparison(dirs.map(loadRun));
        writeFileSync(join(out, 'report.html'), renderers.html(comparison));
        writeFileSync(join(out, 'report.md'), renderers.md(comparison));
        writeFileSync(join(out, 'junit.xml'), renderers.junit(comparison));
        process.stdout.write(
          `ordeal gate: INTERRUPTED after ${dirs.length} of ${total} case(s), ${bad} failing; reports of those in ${out}/ (report.html, report.md, junit.xml).\n`,
        );
      });
      for (const item of plan) {
        const label = (i: number) => {
          const c = item.cases[i]!;
          return `${c.adapter} · ${c.scenario.name} · ${scheduleLabel(c.schedule)} · ${item.idempotency}`;
        };
        if (item.cases.length) progress.set(`[${done + 1}/${total}] ${bad} failing · ${label(0)}`);
        await executeCases(item.cases, {
          idempotency: item.idempotency,
          seed: config.seed,
          out: runsDir,
          timeoutMs: config.timeoutMs,
          options: item.options,
          onCase: (s, i, n) => {
            if (interrupted()) return; // cut short by the signal
            done++;
            if (s.valid !== true) bad++;
            dirs.push(s.runDir);
            if (!tty) process.stderr.write(`[${done}/${total}] ${label(i)} → ${verdictWord(s.valid)}\n`);
            if (i + 1 < n) progress.set(`[${done + 1}/${total}] ${bad} failing · ${label(i + 1)}`);
          },
        });
      }
      progress.stop();
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
