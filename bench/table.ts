/** The terminal table of a bench result. */
import type { BenchResult } from './run-bench.js';

const f = (x: number | undefined, d = 3): string => (x === undefined || !Number.isFinite(x) ? '—' : x < 10 ? x.toFixed(d) : x.toFixed(1));

export function benchTable(r: BenchResult): string {
  const rows: string[][] = [['adapter', 'per step p50 ms', 'p99 ms', '× fdatasync', 'one-call turn ms', 'workflows/s', 'steps/s', 'recovery p50 ms', 'peak RSS MB']];
  const notes: string[] = [];
  for (const [name, a] of Object.entries(r.adapters)) {
    if ('missing' in a) {
      rows.push([name, 'missing', '', '', '', '', '', '', '']);
      notes.push(`${name}: ${a.missing}`);
      continue;
    }
    rows.push([name, f(a.perStepMs.p50), f(a.perStepMs.p99), f(a.ratioToFloor, 1), f(a.oneCallTurnMs?.p50, 1), f(a.throughput.workflowsPerS, 2), f(a.throughput.stepsPerS, 1), f(a.recoveryMs.p50, 0), f(a.peakRssMb, 1)]);
    if (a.inProcess) rows.push([`${name} (runtime in-process)`, f(a.inProcess.perStepMs.p50), f(a.inProcess.perStepMs.p99), f(a.inProcess.ratioToFloor, 1), '', '', '', '', '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const m = r.machine;
  return [
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memGb} GiB, ${m.os}, Node ${m.node}, load ${m.loadAvg1m}${m.quick ? ' (quick)' : ''}`,
    `floor (${m.benchDir}): fdatasync 4 KiB p50 ${f(r.floor.fdatasyncMs.p50)} ms, p99 ${f(r.floor.fdatasyncMs.p99)} ms; SQLite FULL insert p50 ${f(r.floor.sqliteFullInsertMs.p50)} ms, p99 ${f(r.floor.sqliteFullInsertMs.p99)} ms`,
    '',
    line(rows[0]!),
    ...rows.slice(1).map(line),
    '',
    `per step = (T(N) − T(1)) / (N − 1) at N = ${Math.max(...m.steps)}: a no-op tool step's marginal cost, whole stack (N calls in one model turn, worker ↔ world HTTP, ordeal's probes and spans off); × fdatasync = per-step p50 / fdatasync p50`,
    'one-call turn = T(1) − T(0): a second model round trip and one step; in-process = the reference runtime alone, N sequential steps',
    `harness: ${f(r.harness.casesPerMin, 1)} ordeal run cases per minute (reference runtime)`,
    ...notes.map((n) => `missing: ${n}`),
  ].join('\n');
}
