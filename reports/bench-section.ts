/** The bench section of the HTML report: `<out>/bench.json` → an HTML fragment with an inline SVG bar chart. */
import type { BenchResult } from '../bench/index.js';
import { escapeHtml as e } from './escape.js';

const num = (x: number | undefined, d = 3): string => (x === undefined || !Number.isFinite(x) ? '—' : x < 10 ? x.toFixed(d) : x.toFixed(1));

/** Horizontal bars of the per-step p50 per adapter, log-scaled (the figures span orders of magnitude), with the fdatasync floor as a line. */
export function benchChart(r: BenchResult): string {
  const bars: { label: string; value: number }[] = [];
  for (const [name, a] of Object.entries(r.adapters)) {
    if ('missing' in a) continue;
    bars.push({ label: name, value: a.perStepMs.p50 });
    if (a.inProcess) bars.push({ label: `${name} (runtime in-process)`, value: a.inProcess.perStepMs.p50 });
  }
  const floor = r.floor.fdatasyncMs.p50;
  const values = [...bars.map((b) => b.value), floor].filter((v) => v > 0);
  if (bars.length === 0 || values.length === 0) return '<p>No adapter was measured.</p>';
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
      `<rect x="${left}" y="${y + 3}" width="${Math.max(1, x(b.value) - left).toFixed(1)}" height="${row - 8}" fill="#4a78b0"><title>${e(b.label)}: ${num(b.value)} ms</title></rect>` +
      `<text x="${(x(b.value) + 4).toFixed(1)}" y="${y + 15}" font-size="11">${num(b.value)} ms</text>`
    );
  });
  const fx = x(floor).toFixed(1);
  const axisY = 10 + bars.length * row;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 90}" height="${height}" role="img" aria-label="per-step durable overhead, p50, log scale">` +
    parts.join('') +
    `<line x1="${fx}" y1="6" x2="${fx}" y2="${axisY}" stroke="#c0392b" stroke-dasharray="4 3"/>` +
    `<text x="${fx}" y="${axisY + 16}" text-anchor="middle" font-size="11" fill="#c0392b">fdatasync 4 KiB ${num(floor)} ms</text>` +
    `</svg>`
  );
}

export function benchSection(r: BenchResult): string {
  const m = r.machine;
  const rows = Object.entries(r.adapters).map(([name, a]) => {
    if ('missing' in a) return `<tr><td>${e(name)}</td><td colspan="8">missing: ${e(a.missing)}</td></tr>`;
    const cells = [num(a.perStepMs.p50), num(a.perStepMs.p99), `${num(a.ratioToFloor, 1)}×`, num(a.oneCallTurnMs?.p50, 1), num(a.throughput.workflowsPerS, 2), num(a.throughput.stepsPerS, 1), num(a.recoveryMs.p50, 0), num(a.peakRssMb, 1)];
    const main = `<tr><td>${e(name)}</td>${cells.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`;
    return a.inProcess
      ? `${main}<tr><td>${e(name)} (runtime in-process)</td><td>${num(a.inProcess.perStepMs.p50)}</td><td>${num(a.inProcess.perStepMs.p99)}</td><td>${num(a.inProcess.ratioToFloor, 1)}×</td><td colspan="5"></td></tr>`
      : main;
  });
  return [
    '<section class="bench">',
    '<h2>Benchmarks</h2>',
    `<p>${e(`${m.cpus} × ${m.cpuModel}, ${m.memGb} GiB, ${m.os}, Node ${m.node}, load ${m.loadAvg1m} at start, ${m.date}${m.quick ? ' (quick run)' : ''}`)}</p>`,
    `<p>Floor on the bench directory: fdatasync of 4 KiB p50 ${num(r.floor.fdatasyncMs.p50)} ms (p99 ${num(r.floor.fdatasyncMs.p99)}); SQLite insert, WAL, synchronous=FULL p50 ${num(r.floor.sqliteFullInsertMs.p50)} ms (p99 ${num(r.floor.sqliteFullInsertMs.p99)}).</p>`,
    benchChart(r),
    '<table><thead><tr><th>adapter</th><th>per step p50 ms</th><th>p99 ms</th><th>× fdatasync</th><th>one-call turn p50 ms</th><th>workflows/s</th><th>steps/s</th><th>recovery p50 ms</th><th>peak RSS MB</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    `<p>Per step = (T(N) − T(1)) / (N − 1) at N = ${Math.max(...m.steps)}: the marginal cost of a no-op tool step through the whole stack (the N calls come in one model turn; worker ↔ world HTTP; ordeal's probes and spans off). One-call turn = T(1) − T(0): a second model round trip with one step. "Runtime in-process" is the reference runtime alone, N sequential steps. Harness: ${num(r.harness.casesPerMin, 1)} <code>ordeal run</code> cases per minute.</p>`,
    '</section>',
  ].join('\n');
}
