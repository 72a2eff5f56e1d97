/** The bench section of the HTML report: `<out>/bench.json` → an HTML fragment with one inline SVG bar chart per shape. */
import {
  BARE_LOOP_PYTHON_ROW,
  BARE_LOOP_ROW,
  BENCH_COLUMNS,
  benchNotes,
  benchRows,
  harnessLines,
  WARM_LOOP_ROW,
  type BenchResult,
  type Shape,
} from '../bench/index.js';
import { escapeHtml as e } from './escape.js';

const num = (x: number | undefined, d = 3): string => (x === undefined || !Number.isFinite(x) ? '—' : x < 10 ? x.toFixed(d) : x.toFixed(1));

const SHAPE_TITLE: Record<Shape, string> = {
  chain: 'chain: one more turn (model call + tool call)',
  fanOut: 'fan-out: one more concurrent call in a turn',
};

/**
 * Horizontal bars of one shape's per-step p50, the bare loop's first, then each adapter's, log-scaled (the figures span
 * orders of magnitude), with the shape's floor as a line.
 */
export function benchChart(r: BenchResult, shape: Shape): string {
  const bars: { label: string; value: number; ratio: number; bare?: boolean }[] = [
    { label: BARE_LOOP_ROW, value: r.bareLoop[shape].perStepMs.p50, ratio: r.bareLoop[shape].ratioToFloor, bare: true },
    ...(r.bareLoopPython
      ? [{ label: BARE_LOOP_PYTHON_ROW, value: r.bareLoopPython[shape].perStepMs.p50, ratio: r.bareLoopPython[shape].ratioToFloor, bare: true }]
      : []),
  ];
  for (const [name, a] of Object.entries(r.adapters))
    if (!('missing' in a)) bars.push({ label: name, value: a[shape].perStepMs.p50, ratio: a[shape].ratioToFloor });
  const floor = r.floor[shape].perStepMs;
  const values = [...bars.map((b) => b.value), floor].filter((v) => v > 0);
  if (values.length === 0) return '<p>Nothing was measured.</p>';
  const lo = Math.log10(Math.min(...values) / 2);
  const hi = Math.log10(Math.max(...values) * 2);
  const left = 190;
  const width = 460;
  const row = 24;
  const x = (v: number) => left + ((Math.log10(Math.max(v, 1e-6)) - lo) / (hi - lo)) * width;
  const height = bars.length * row + 40;
  const parts = bars.map((b, i) => {
    const y = 10 + i * row;
    return (
      `<text x="${left - 6}" y="${y + 15}" text-anchor="end" font-size="12">${e(b.label)}</text>` +
      `<rect x="${left}" y="${y + 3}" width="${Math.max(1, x(b.value) - left).toFixed(1)}" height="${row - 8}" fill="${b.bare ? '#9aa3ad' : '#4a78b0'}"><title>${e(b.label)}: ${num(b.value)} ms, ${num(b.ratio, 2)}× the floor</title></rect>` +
      `<text x="${(x(b.value) + 4).toFixed(1)}" y="${y + 15}" font-size="11">${num(b.value)} ms · ${num(b.ratio, 2)}×</text>`
    );
  });
  const fx = x(floor).toFixed(1);
  const axisY = 10 + bars.length * row;
  return (
    `<svg class="bench-chart bench-${shape}" xmlns="http://www.w3.org/2000/svg" width="${left + width + 130}" height="${height}" role="img" aria-label="${e(SHAPE_TITLE[shape])}: per-step p50, log scale">` +
    parts.join('') +
    `<line x1="${fx}" y1="6" x2="${fx}" y2="${axisY}" stroke="#c0392b" stroke-dasharray="4 3"/>` +
    `<text x="${fx}" y="${axisY + 16}" text-anchor="middle" font-size="11" fill="#c0392b">floor ${num(floor)} ms</text>` +
    `</svg>`
  );
}

export function benchSection(r: BenchResult): string {
  const m = r.machine;
  const { rows, missing } = benchRows(r);
  const body = rows.map((row) => {
    if (row[1] === 'missing') {
      const why = missing.find((x) => x.startsWith(`${row[0]}: `))?.slice(row[0]!.length + 2) ?? '';
      return `<tr><td>${e(row[0])}</td><td colspan="${BENCH_COLUMNS.length - 1}">missing: ${e(why)}</td></tr>`;
    }
    const cls =
      row[0] === 'floor' || row[0] === WARM_LOOP_ROW
        ? ' class="floor"'
        : row[0] === BARE_LOOP_ROW || row[0] === BARE_LOOP_PYTHON_ROW
          ? ' class="bare-loop"'
          : '';
    return `<tr${cls}><td>${e(row[0])}</td>${row
      .slice(1)
      .map((c) => `<td class="num">${e(c)}</td>`)
      .join('')}</tr>`;
  });
  const [perStep, chain, fanOut, bare, loopback, rest, ...warm] = benchNotes(r);
  return [
    '<section class="bench">',
    '<h2>Benchmarks</h2>',
    `<p>${e(`${m.cpus} × ${m.cpuModel}, ${m.memGb} GiB, ${m.os}, Node ${m.node}, load ${m.loadAvg1m} at start, ${m.date}${m.quick ? ' (quick run)' : ''}`)}</p>`,
    `<p>Disk on the bench directory: fdatasync of 4 KiB p50 ${num(r.floor.fdatasyncMs.p50)} ms (p99 ${num(r.floor.fdatasyncMs.p99)}); SQLite insert, WAL, synchronous=FULL p50 ${num(r.floor.sqliteFullInsertMs.p50)} ms (p99 ${num(r.floor.sqliteFullInsertMs.p99)}). ${e(loopback)}.</p>`,
    `<h3>${e(SHAPE_TITLE.chain)}</h3>`,
    benchChart(r, 'chain'),
    `<h3>${e(SHAPE_TITLE.fanOut)}</h3>`,
    benchChart(r, 'fanOut'),
    `<table class="bench-table"><thead><tr>${BENCH_COLUMNS.map((c) => `<th>${e(c)}</th>`).join('')}</tr></thead>`,
    `<tbody>${body.join('')}</tbody></table>`,
    `<ul>${[perStep, chain, fanOut, bare, rest, ...warm].map((n) => `<li>${e(n)}</li>`).join('')}</ul>`,
    `<p>Harness: ${num(r.harness.casesPerMin, 1)} <code>ordeal run</code> cases per minute.</p>`,
    ...harnessLines(r)
      .slice(1)
      .map((l) => `<p>${e(l.replace(/^harness: /, 'Harness: '))}</p>`),
    '</section>',
  ].join('\n');
}
