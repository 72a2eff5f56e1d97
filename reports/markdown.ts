/** Markdown for pull-request comments and CI step summaries: the scoreboard, the matrix, then each failing case with its anomaly and replay command. */
import { calmRunNotes, failingAnomalies, SCORE_COLUMNS, SCORE_NOTE, STATUS_WORD, type CaseReport, type Comparison } from './comparison.js';

const ICON: Record<CaseReport['status'], string> = { valid: '✅', invalid: '❌', unknown: '❔', incomplete: '⏳' };
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(c: Comparison): string {
  const t = c.totals;
  const lines = [
    '## ordeal report',
    '',
    `${c.cases.length} case(s): ${t.valid} valid, ${t.invalid} invalid, ${t.unknown} unknown, ${t.incomplete} incomplete.`,
    '',
    `| ${SCORE_COLUMNS.map(([h]) => h).join(' | ')} |`,
    `|${SCORE_COLUMNS.map((_, i) => (i === 0 || i === 6 ? '---' : '---:')).join('|')}|`,
    ...c.scoreboard.map((r) => `| ${SCORE_COLUMNS.map(([, f]) => cell(f(r))).join(' | ')} |`),
    '',
    `_${SCORE_NOTE}_`,
    '',
    `| scenario | fault | idempotency | ${c.variants.map(cell).join(' | ')} |`,
    `|---|---|---|${c.variants.map(() => '---').join('|')}|`,
    ...c.rows.map(
      (r) =>
        `| ${cell(r.scenario)} | \`${cell(r.fault)}\` | ${r.idempotency} | ${c.variants.map((a) => (r.cells[a] ?? []).map((k) => `${ICON[k.status]} ${STATUS_WORD[k.status]}`).join(' ') || '—').join(' | ')} |`,
    ),
  ];
  const calm = calmRunNotes(c.cases);
  if (calm.length) lines.push('', '### Expectations from calm runs', '', ...calm.map((n) => `- ${cell(n)}`));
  const failing = c.cases.filter((k) => k.status !== 'valid');
  if (failing.length) {
    lines.push('', '### Failing cases');
    for (const k of failing) {
      lines.push('', `**${ICON[k.status]} ${cell(k.variant)} · ${cell(k.scenario)} · \`${cell(k.fault)}\` · idempotency ${k.idempotency}**`, '');
      for (const a of failingAnomalies(k)) lines.push(`- ${a.checker}: ${cell(a.message)}${a.witnesses ? ` (evidence: ${a.witnesses})` : ''}`);
      lines.push('', '```sh', k.replay, '```');
    }
  }
  return lines.join('\n') + '\n';
}
