/** The HTML report: one self-contained file (inline CSS and SVG, no network) a newcomer can read. */
import { benchSection } from './bench-section.js';
import {
  calmRunNotes,
  failingAnomalies,
  SCORE_COLUMNS,
  SCORE_METRICS,
  SCORE_NOTE,
  STATUS_WORD,
  witnessText,
  type CaseReport,
  type Comparison,
  type MatrixRow,
} from './comparison.js';
import { escapeHtml as e } from './escape.js';
import { timelineSvg } from './svg-timeline.js';

const CSS = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#24292f;margin:24px auto;max-width:1040px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:0}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}code,pre{font:12px ui-monospace,Menlo,monospace;background:#f6f8fa;border-radius:4px}code{padding:1px 4px}pre{padding:8px;overflow-x:auto;margin:4px 0}
.verdict{font-weight:600;border-radius:10px;padding:1px 8px;font-size:12px;white-space:nowrap;text-decoration:none}
.valid{background:#dafbe1;color:#116329}.invalid{background:#ffebe9;color:#a40e26}.unknown{background:#fff8c5;color:#7d4e00}.incomplete{background:#eaeef2;color:#424a53}
.case{border:1px solid #d0d7de;border-radius:6px;padding:12px 14px;margin:14px 0}.meta{color:#57606a;font-size:12px;margin:2px 0 8px}
.anomaly{margin:6px 0}.legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px;color:#424a53;margin:6px 0}.legend svg{vertical-align:middle}
.muted{color:#57606a}details summary{cursor:pointer;color:#0969da;font-size:12px}
table.scoreboard{font-size:12.5px}.scoreboard th,.scoreboard td{padding:3px 6px}.scoreboard td.guarantees{white-space:nowrap}`;

const badge = (c: { status: CaseReport['status'] }, href?: string) =>
  href
    ? `<a class="verdict ${c.status}" href="${e(href)}">${STATUS_WORD[c.status]}</a>`
    : `<span class="verdict ${c.status}">${STATUS_WORD[c.status]}</span>`;

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

function matrix(c: Comparison): string {
  const head = `<tr><th>scenario</th><th>fault</th><th>idempotency</th>${c.variants.map((a) => `<th>${e(a)}</th>`).join('')}</tr>`;
  const row = (r: MatrixRow) =>
    `<tr class="matrix-row">` +
    `<td>${e(r.scenario)}</td><td><code>${e(r.fault)}</code></td><td>${e(r.idempotency)}</td>` +
    c.variants
      .map(
        (a) =>
          `<td>${(r.cells[a] ?? []).map((k) => `<span class="matrix-case" data-case="${e(k.id)}">${badge(k, `#${k.id}`)}</span>`).join(' ') || '<span class="muted">—</span>'}</td>`,
      )
      .join('') +
    `</tr>`;
  return `<table class="matrix">${head}${c.rows.map(row).join('')}</table>`;
}

/** Metrics most readers compare, shown side by side when any case has them; every metric is in each case's own table. */
const KEY_METRICS: [string, string][] = [
  [SCORE_METRICS.recoveryMs, 'max recovery (ms)'],
  [SCORE_METRICS.reexecutedSteps, 're-executed steps'],
  [SCORE_METRICS.repeatedModelCalls, 'repeated model calls'],
  [SCORE_METRICS.respentTokens, 're-spent tokens'],
  ['telemetry.stepLatencyP50Ms', 'step latency p50 (ms)'],
  ['telemetry.stepLatencyP99Ms', 'step latency p99 (ms)'],
];

function keyMetrics(c: Comparison): string {
  const cols = KEY_METRICS.filter(([k]) => c.cases.some((x) => typeof x.metrics[k] === 'number'));
  if (cols.length === 0) return '';
  const rows = c.cases.map(
    (x) =>
      `<tr><td><a href="#${e(x.id)}">${e(x.variant)} · ${e(x.scenario)}</a></td><td><code>${e(x.fault)}</code></td><td>${e(x.idempotency)}</td>${cols.map(([k]) => `<td class="num">${typeof x.metrics[k] === 'number' ? num(x.metrics[k]) : '—'}</td>`).join('')}</tr>`,
  );
  return `<h2>Costs of recovery</h2><table class="metrics-summary"><tr><th>case</th><th>fault</th><th>idempotency</th>${cols.map(([, l]) => `<th>${e(l)}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

/** Per adapter variant: verdicts, the guarantees that broke, recovery and wasted work. */
function scoreboardTable(c: Comparison): string {
  const head = `<tr>${SCORE_COLUMNS.map(([h]) => `<th>${e(h)}</th>`).join('')}</tr>`;
  const rows = c.scoreboard.map(
    (r) =>
      `<tr class="score-row" data-variant="${e(r.variant)}">` +
      SCORE_COLUMNS.map(([h, cell], i) =>
        h.startsWith('guarantees')
          ? `<td class="guarantees">${cell(r).split(', ').map(e).join('<br>')}</td>`
          : `<td${i === 0 ? '' : ' class="num"'}>${e(cell(r))}</td>`,
      ).join('') +
      `</tr>`,
  );
  return `<h2>Scoreboard</h2><table class="scoreboard">${head}${rows.join('')}</table><p class="muted">${e(SCORE_NOTE)}</p>`;
}

function metricsTable(m: Record<string, number>): string {
  const entries = Object.entries(m).filter(([, v]) => typeof v === 'number');
  if (entries.length === 0) return '<p class="muted">No metrics recorded.</p>';
  const groups = new Map<string, [string, number][]>();
  for (const [k, v] of entries) {
    const dot = k.indexOf('.');
    const g = dot > 0 ? k.slice(0, dot) : 'run';
    groups.set(g, [...(groups.get(g) ?? []), [dot > 0 ? k.slice(dot + 1) : k, v]]);
  }
  const rows = [...groups].map(([g, list]) => `<tr><th>${e(g)}</th><td>${list.map(([k, v]) => `${e(k)} <b>${num(v)}</b>`).join(' · ')}</td></tr>`);
  return `<table class="metrics">${rows.join('')}</table>`;
}

function caseSection(k: CaseReport): string {
  const failing = k.status === 'valid' ? [] : failingAnomalies(k);
  const anomalies = failing.length
    ? failing
        .map(
          (a) =>
            `<div class="anomaly"><b>${e(a.checker)}</b> (${e(a.kind)}): ${e(a.message)}${a.witnesses ? ` <span class="muted">Evidence: ${e(a.witnesses)}.</span>` : ''}</div>`,
        )
        .join('') + `<div>Replay: <pre class="replay">${e(k.replay)}</pre></div>`
    : '<p class="muted">Every required guarantee held.</p>';
  const notes = k.anomalies.filter((a) => a.informational);
  const timeline = k.timeline ? timelineSvg(k.timeline) : '<p class="muted">No history to draw.</p>';
  return `<section class="case case-${k.status}" id="${e(k.id)}">
<h3>${badge(k)} ${e(k.variant)} · ${e(k.scenario)} · <code>${e(k.fault)}</code> · idempotency ${e(k.idempotency)}</h3>
<div class="meta">run folder <code>${e(k.dir)}</code>${k.seed !== undefined ? ` · seed ${k.seed}` : ''}${k.durationMs !== undefined ? ` · ${(k.durationMs / 1000).toFixed(1)} s` : ''}${k.problem ? ` · <b>incomplete:</b> ${e(k.problem)}` : ''}</div>
${anomalies}${notes.length ? `<details><summary>${notes.length} note(s) from passing checkers</summary>${notes.map((a) => `<div>${e(a.checker)}: ${e(a.message)} ${e(witnessText(a.witnesses))}</div>`).join('')}</details>` : ''}
${timeline}
<details><summary>metrics</summary>${metricsTable(k.metrics)}</details>
</section>`;
}

const LEGEND = `<div class="legend">
<span><svg width="26" height="12"><rect x="1" y="1" width="24" height="10" rx="2" fill="#54aeff"/></svg> model call step (start → journaled)</span>
<span><svg width="26" height="12"><rect x="1" y="1" width="24" height="10" rx="2" fill="#8c959f"/></svg> tool step</span>
<span><svg width="26" height="12"><rect x="1" y="1" width="24" height="10" rx="2" fill="#bf8700"/></svg> retried step (attempt ≥ 2)</span>
<span><svg width="26" height="12"><rect x="1" y="1" width="24" height="10" fill="#fff" stroke="#cf222e"/></svg> step never journaled</span>
<span><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="#1a7f37"/></svg> effect applied</span>
<span><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="#d1242f"/></svg> effect applied more than once (duplicate)</span>
<span><svg width="14" height="14"><circle cx="7" cy="7" r="5" fill="#fff" stroke="#57606a" stroke-width="2"/></svg> request deduplicated by its idempotency key</span>
<span><svg width="14" height="14"><path d="M7 0 L13 7 L7 14 L1 7Z" fill="#8250df"/></svg> approval (hollow: requested)</span>
<span><svg width="14" height="14"><path d="M2 2L12 12M2 12L12 2" stroke="#111" stroke-width="2.5"/></svg> process died</span>
<span><svg width="26" height="12"><rect x="1" y="1" width="24" height="10" fill="#f5a623" fill-opacity="0.3" stroke="#d4860b" stroke-dasharray="3 2"/></svg> fault window</span>
</div>`;

const INTRO = `<p>ordeal ran each agent task (<i>scenario</i>) on each durable-execution framework (<i>adapter</i>) while breaking things on purpose (<i>fault</i>: e.g. <code>kill-worker@after-effect:1</code> kills the worker right after its first external effect was applied).
A case is <span class="verdict valid">valid</span> when every guarantee held — each external effect exactly once, the run finished with the expected answer, the workspace intact — and <span class="verdict invalid">INVALID</span> when one was violated, with the evidence and the command that replays it.
<i>Idempotency</i> <code>framework</code> means tools send a key derived from the framework's durable step; <code>none</code> means they send none, as naive code does.</p>`;

export function renderHtml(c: Comparison): string {
  const t = c.totals;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>ordeal report</title><style>${CSS}</style></head><body>
<h1>ordeal report</h1><div class="meta">${c.cases.length} case(s) on ${c.variants.map(e).join(', ')} · generated ${e(c.generatedAt)} · <span class="verdict valid">${t.valid} valid</span> <span class="verdict invalid">${t.invalid} invalid</span> <span class="verdict unknown">${t.unknown} unknown</span> <span class="verdict incomplete">${t.incomplete} incomplete</span></div>
${INTRO}
${scoreboardTable(c)}
<h2>Matrix</h2>${matrix(c)}
${
  calmRunNotes(c.cases).length
    ? `<h2>Expectations from calm runs</h2><ul>${calmRunNotes(c.cases)
        .map((n) => `<li>${e(n)}</li>`)
        .join('')}</ul>`
    : ''
}
${keyMetrics(c)}
<h2>Cases</h2>
<p>Each timeline reads left to right in seconds; one lane per process incarnation (<code>worker#2</code> is the worker restarted after <code>worker#1</code> died), plus the world (the fake external services), the nemesis (the fault injector) and the human. Hover a mark for its details.</p>
${LEGEND}
${c.cases.map(caseSection).join('\n')}
${c.bench ? benchSection(c.bench) : ''}
</body></html>
`;
}
