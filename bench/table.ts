/** The terminal table of a bench result. */
import type { BareLoopFigures } from './adapter-bench.js';
import type { BenchResult } from './run-bench.js';

const f = (x: number | undefined, d = 3): string => (x === undefined || !Number.isFinite(x) ? '—' : x < 10 ? x.toFixed(d) : x.toFixed(1));

export const BENCH_COLUMNS = [
  'adapter',
  'chain step p50 ms',
  'p99 ms',
  '× floor',
  '× bare loop',
  'fan-out step p50 ms',
  'p99 ms',
  '× floor',
  '× bare loop',
  'one-call turn ms',
  'workflows/s',
  'turns/s',
  'recovery p50 ms',
  'peak RSS MB',
];

/** The bare loop's row label. */
export const BARE_LOOP_ROW = 'bare loop (no framework)';

/** The Python bare loop's row label: the baseline of the adapters whose workers are Python. */
export const BARE_LOOP_PYTHON_ROW = 'bare loop in Python (no framework)';

/** The row of the chain step done by hand in one warm process (the floor's parts in a chain's order). */
export const WARM_LOOP_ROW = 'warm loop (one warm process)';

/** The table's rows as text cells: the floor and the bare loop first, then each adapter (and the reference runtime in-process). */
export function benchRows(r: BenchResult): { rows: string[][]; missing: string[] } {
  const bareRow = (label: string, b: BareLoopFigures): string[] => [
    label,
    f(b.chain.perStepMs.p50),
    f(b.chain.perStepMs.p99),
    f(b.chain.ratioToFloor, 2),
    '1.0',
    f(b.fanOut.perStepMs.p50),
    f(b.fanOut.perStepMs.p99),
    f(b.fanOut.ratioToFloor, 2),
    '1.0',
    f(b.oneCallTurnMs.p50, 1),
    '',
    '',
    '',
    '',
  ];
  const rows: string[][] = [
    ['floor', f(r.floor.chain.perStepMs), '', '1.0', '', f(r.floor.fanOut.perStepMs), '', '1.0', '', '', '', '', '', ''],
    ...warmLoopRow(r),
    bareRow(BARE_LOOP_ROW, r.bareLoop),
    ...(r.bareLoopPython ? [bareRow(BARE_LOOP_PYTHON_ROW, r.bareLoopPython)] : []),
  ];
  const missing: string[] = [];
  for (const [name, a] of Object.entries(r.adapters)) {
    if ('missing' in a) {
      rows.push([name, 'missing', ...Array.from({ length: BENCH_COLUMNS.length - 2 }, () => '')]);
      missing.push(`${name}: ${a.missing}`);
      continue;
    }
    rows.push([
      name,
      f(a.chain.perStepMs.p50),
      f(a.chain.perStepMs.p99),
      f(a.chain.ratioToFloor, 2),
      f(a.chain.ratioToBareLoop, 2),
      f(a.fanOut.perStepMs.p50),
      f(a.fanOut.perStepMs.p99),
      f(a.fanOut.ratioToFloor, 2),
      f(a.fanOut.ratioToBareLoop, 2),
      f(a.oneCallTurnMs.p50, 1),
      f(a.throughput.workflowsPerS, 2),
      f(a.throughput.stepsPerS, 1),
      f(a.recoveryMs.p50, 0),
      f(a.peakRssMb, 1),
    ]);
    if (a.inProcess)
      rows.push([
        `${name} (runtime in-process)`,
        f(a.inProcess.perStepMs.p50),
        f(a.inProcess.perStepMs.p99),
        f(a.inProcess.ratioToFloor, 2),
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
      ]);
    if (a.warmProcess) {
      const w = a.warmProcess;
      rows.push([
        `${name} (one warm process)`,
        f(w.perTurnMs.p50),
        f(w.perTurnMs.p99),
        f(w.ratioToFloor, 2),
        ...Array.from({ length: BENCH_COLUMNS.length - 4 }, () => ''),
      ]);
    }
  }
  return { rows, missing };
}

/** The warm loop's row, when the bench.json has it (an older one does not): its chain step beside the floor's. */
function warmLoopRow(r: BenchResult): string[][] {
  const w = r.floor.loopback.warmChain;
  if (!w) return [];
  const blank = Array.from({ length: BENCH_COLUMNS.length - 5 }, () => '');
  return [[WARM_LOOP_ROW, f(w.p50), f(w.p99), f(w.p50 / r.floor.chain.perStepMs, 2), '', ...blank]];
}

function pythonNames(r: BenchResult): string {
  return Object.entries(r.adapters)
    .filter(([, a]) => !('missing' in a) && a.bareLoop === 'python')
    .map(([name]) => name)
    .join(', ');
}

/** What each figure means, in the order the table shows them. */
export function benchNotes(r: BenchResult): string[] {
  const n = Math.max(...r.machine.steps);
  const lo = r.floor.loopback;
  return [
    `per step = (T(N) − T(1)) / (N − 1) at N = ${n}, whole stack (worker ↔ world HTTP, ordeal's probes and spans off); T = first model call → last model answer; every tool call is read_resource, one round trip to the world`,
    `chain (the headline): N turns of one tool call each, every call asked for after the previous result; a step is one more turn. Floor: ${r.floor.chain.counts}`,
    `fan-out: one turn of N concurrent tool calls; a step is one more call. Floor: ${r.floor.fanOut.counts}`,
    `bare loop: the same agent loop, world and client with no framework (bench/bare-loop): each model reply, and the results of each stretch of concurrent calls, appended to a file and fdatasynced before anything that depends on them runs; its worker is a fresh process as every adapter's is. × bare loop = what the framework costs over writing the loop by hand, on the same machine in the same run`,
    `floor figures measured in this run, each the median of ${r.floor.measurements ?? 1} measurement(s), one before each bare loop and one before each adapter; loopback round trips against a world process, through the workers' client: model call p50 ${f(lo.modelCallMs.p50)} ms (p99 ${f(lo.modelCallMs.p99)}), tool call p50 ${f(lo.toolCallMs.p50)} ms (p99 ${f(lo.toolCallMs.p99)}); × floor = per-step p50 / the shape's floor`,
    'one-call turn = T(1) − T(0): a second model round trip and one step; throughput: concurrent chains of 10 turns; peak RSS: the workers of the throughput and recovery cases; in-process = the reference runtime alone, N sequential no-op steps, no HTTP; its × floor is against one fdatasync (a lone durable step)',
    ...(r.bareLoopPython
      ? [
          `bare loop in Python: the same loop by hand in Python with ordeal's worker kit (bench/bare-loop/bare_loop.py; a thread per concurrent call), measured because an adapter whose workers are Python was benched; those adapters' × bare loop (${pythonNames(r)}) is against it, every other adapter's against the bare loop in Node.js`,
        ]
      : []),
    ...(lo.warmChain
      ? [
          `warm loop: a chain step done by hand in a fresh process of its own (one per floor measurement) after thousands of calls to the same world: the model call (turn ${lo.warmChain.turns}'s conversation), the reply written to a preallocated file in place and fdatasynced, the tool call, its result written and fdatasynced; p50 of ${lo.warmChain.steps} steps after an unmeasured warm-up, the median over the floor's measurements. The floor's parts in a chain's order by warm code: what a long-lived worker beside a long-lived world could reach, where every case's worker and world are fresh processes`,
        ]
      : []),
    ...Object.entries(r.adapters).flatMap(([name, a]) =>
      'missing' in a || !a.warmProcess
        ? []
        : [
            `${name} (one warm process): its agent loop on the runtime, chain after chain of ${a.warmProcess.turns} turns in a fresh process of its own beside one long-lived world (after the warm loop, in the same process), as a production worker serves run after run; a turn (model call to the next model call, on the world's clock) p50 over ${a.warmProcess.measuredTurns} turns after ${a.warmProcess.warmUpTurns} unmeasured ones${(a.warmProcess.measurements ?? 1) > 1 ? `, the median of ${a.warmProcess.measurements} such measurements, one beside each floor measurement` : ''}; × floor against the chain's floor`,
          ],
    ),
  ];
}

export function benchTable(r: BenchResult): string {
  const { rows: body, missing } = benchRows(r);
  const rows = [BENCH_COLUMNS, ...body];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const m = r.machine;
  return [
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memGb} GiB, ${m.os}, Node ${m.node}, load ${m.loadAvg1m}${m.quick ? ' (quick)' : ''}`,
    `disk (${m.benchDir}): fdatasync 4 KiB p50 ${f(r.floor.fdatasyncMs.p50)} ms, p99 ${f(r.floor.fdatasyncMs.p99)} ms; SQLite FULL insert p50 ${f(r.floor.sqliteFullInsertMs.p50)} ms, p99 ${f(r.floor.sqliteFullInsertMs.p99)} ms`,
    '',
    line(rows[0]!),
    ...rows.slice(1).map(line),
    '',
    ...benchNotes(r),
    ...storeFloorNotes(r),
    ...harnessLines(r),
    ...missing.map((n) => `missing: ${n}`),
  ].join('\n');
}

/** One line per adapter whose steps are recorded elsewhere than the bench directory's disk: its store's own commit, beside its chain step. */
function storeFloorNotes(r: BenchResult): string[] {
  return Object.entries(r.adapters).flatMap(([name, a]) => {
    if ('missing' in a || !a.storeFloor) return [];
    const c = a.storeFloor.commitMs;
    return [
      `${name}'s own floor: one commit on ${a.storeFloor.store} p50 ${f(c.p50)} ms (p99 ${f(c.p99)}), measured directly; its chain step p50 = ${f(a.chain.perStepMs.p50 / c.p50, 1)} × that commit`,
    ];
  });
}

/** The harness section: cases per minute and the median case's time by phase. */
export function harnessLines(r: BenchResult): string[] {
  const h = r.harness;
  const p = h.phasesMs;
  if (!p) return [`harness: ${f(h.casesPerMin, 1)} ordeal run cases per minute (reference runtime)`];
  return [
    `harness: ${f(h.casesPerMin, 1)} ordeal run cases per minute (reference runtime, ${h.cases} cases, --jobs ${h.jobs})`,
    `harness: a case's median ms by phase: world start ${f(p.worldMs, 1)}, engine start ${f(p.engineMs, 1)}, worker start → ready ${f(p.workerReadyMs, 1)}, run ${f(p.runMs, 1)}, teardown ${f(p.teardownMs, 1)}, judging ${f(p.judgeMs, 1)}, run folder ${f(p.folderMs, 1)}; whole case ${f(p.totalMs, 1)}`,
  ];
}
