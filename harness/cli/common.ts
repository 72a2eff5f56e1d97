import { resolve } from 'node:path';
import { adapterManifest, adapterManifests, checkAdapterOptions } from '../../adapters/index.js';
import { UsageError } from '../errors.js';
import { textOf } from '../json.js';
import { runCase, type CaseOptions, type CaseResult } from '../run/run-case.js';
import { runPool } from '../run/pool.js';
import { caseTimeoutOf } from '../run/manifest.js';
import { calmReference, needsCalmRun, withCalmExpectation } from '../run/calm.js';
import type { PlannedCase } from '../run/plan.js';
import { firstAnomaly, overall, scheduleLabel, summarize, unfiredNote, type CaseSummary } from '../run/summary.js';
import { dim, table, verdictWord } from './table.js';
import { SPAN_EXPORTS, spanExportOf } from '../telemetry/index.js';
import { checkLauncher } from '../launch/index.js';
import { isAdapterPath, registerAdapterModule } from '../gate/load.js';
import { givenMoreThanOnce } from './flags.js';

/**
 * `--adapter NAME`, or `--adapter PATH` to a team's own adapter module (as a gate config names one): the module is
 * loaded and registered, and its name returned.
 */
export async function resolveAdapterArg(arg: string): Promise<string> {
  return isAdapterPath(arg) ? registerAdapterModule(resolve(arg), '(command line)', '--adapter') : arg;
}

/**
 * Adapter options from `--opt key=value` and the adapters' own flags (each manifest's `flags`), checked against the
 * adapter's schema before anything starts. An option set twice (`--opt k=a --opt k=b`, or `--opt` and its flag) is
 * refused (ORD-141), as is a flag of another adapter (ORD-107).
 */
export function caseOptions(argv: { opt?: string[]; adapter?: string; [flag: string]: unknown }): Record<string, string> {
  const adapter = argv.adapter ?? 'reference';
  const out = parseOpts(argv.opt);
  // a flag may be declared by several adapters (--postgres-url: langgraph and dbos), each for one of its options
  const takers = new Map<string, { adapter: string; opt: string }[]>();
  for (const m of adapterManifests())
    for (const [flag, opt] of Object.entries(m.flags ?? {})) takers.set(flag, [...(takers.get(flag) ?? []), { adapter: m.name, opt }]);
  for (const [flag, list] of takers) {
    const v = argv[flag];
    if (v === undefined) continue;
    const mine = list.find((t) => t.adapter === adapter);
    if (!mine) {
      const names = list.map((t) => t.adapter);
      const of = names.length === 1 ? `the ${names[0]} adapter` : `the ${names.slice(0, -1).join(', ')} and ${names.at(-1)} adapters`;
      throw new UsageError(`--${flag} is an option of ${of}; add ${names.map((n) => `--adapter ${n}`).join(' or ')}`, 'ORD-107');
    }
    if (Array.isArray(v) && v.length > 1) throw givenMoreThanOnce(`--${flag}`, v);
    const value = textOf(Array.isArray(v) ? v[0] : v);
    if (Object.hasOwn(out, mine.opt))
      throw new UsageError(
        `--${flag} ${value} and --opt ${mine.opt}=${out[mine.opt]} both set the option '${mine.opt}': expected it once`,
        'ORD-141',
      );
    out[mine.opt] = value;
  }
  return checkAdapterOptions(adapter, out);
}

/** `--opt key=value` pairs; a key given twice is refused (ORD-141) rather than the last one silently counting. */
export function parseOpts(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--opt '${kv}': expected key=value, e.g. --opt synchronous=NORMAL`, 'ORD-106');
    const key = kv.slice(0, eq);
    if (Object.hasOwn(out, key))
      throw new UsageError(`--opt ${key} given twice (${key}=${out[key]} and ${kv}): expected each adapter option once`, 'ORD-141');
    out[key] = kv.slice(eq + 1);
  }
  return out;
}

/**
 * The ORDEAL_* variables every case reads, checked before anything starts: ORDEAL_SPAN_EXPORT and ORDEAL_PROBES (unset,
 * empty or `off`) as ORD-151, ORDEAL_LAUNCHER and ORDEAL_IMAGES as ORD-108/109 (`checkLauncher`).
 */
export function checkEnvironment(): void {
  if (spanExportOf() === undefined)
    throw new UsageError(
      `ORDEAL_SPAN_EXPORT='${process.env.ORDEAL_SPAN_EXPORT}': expected one of ${SPAN_EXPORTS.join(', ')} (how workers export their spans)`,
      'ORD-151',
    );
  const probes = process.env.ORDEAL_PROBES;
  if (probes !== undefined && probes !== '' && probes !== 'off')
    throw new UsageError(`ORDEAL_PROBES='${probes}': expected off (workers send no probes but worker:ready), or unset for every probe`, 'ORD-151');
  checkLauncher();
}

export interface ExecOptions {
  idempotency: 'framework' | 'none';
  seed: number;
  out: string;
  /** Undefined: the adapter's own bound (`caseTimeoutMs`), else 60 s. */
  timeoutMs?: number;
  options: Record<string, string>;
  path?: string;
  /** An OTLP/HTTP collector that also gets every span; default ORDEAL_OTLP_ENDPOINT. */
  otlpEndpoint?: string;
  /** Cases run at the same time (`--jobs`); default 1. */
  jobs?: number;
  /** A case ended: called in the cases' order, whatever order they end in. */
  onCase?: (s: CaseSummary, i: number, total: number) => void;
  /** A case starts. */
  onStart?: (c: PlannedCase, i: number) => void;
  /** A case ended (in the order they end), with its verdict. */
  onEnd?: (s: CaseSummary, i: number) => void;
}

/** One case to run and the options it runs with (a gate's matrix mixes idempotency and adapter options). */
export interface CaseJob {
  case: PlannedCase;
  exec: ExecOptions;
}

/** Runs planned cases, `o.jobs` at a time (each its own world, ports, data directory and process groups); results in the cases' order. */
export async function executeCases(cases: PlannedCase[], o: ExecOptions): Promise<CaseSummary[]> {
  return executeJobs(
    cases.map((c) => ({ case: c, exec: o })),
    o.jobs ?? 1,
    o,
  );
}

/** Runs case jobs, `jobs` at a time; every adapter's options are checked before the first case starts anything. */
export async function executeJobs(
  list: CaseJob[],
  jobs: number,
  hooks: Pick<ExecOptions, 'onCase' | 'onStart' | 'onEnd'> = {},
): Promise<CaseSummary[]> {
  checkEnvironment();
  for (const { case: c, exec } of list) checkAdapterOptions(c.adapter, exec.options);
  return runPool(
    list,
    jobs,
    async ({ case: c, exec: o }, i) => {
      hooks.onStart?.(c, i);
      const manifest = adapterManifest(c.adapter);
      const adapter = await manifest.load();
      const caseOptions: CaseOptions = {
        adapter,
        scenario: c.scenario,
        schedule: c.schedule,
        idempotency: o.idempotency,
        seed: o.seed,
        ...(o.path ? { path: o.path } : {}),
        outDir: resolve(o.out),
        timeoutMs: o.timeoutMs ?? caseTimeoutOf(manifest, c.schedule, o.options),
        options: o.options,
        ...otlpEndpointOf(o),
      };
      const { result: r, calmRun } = await runJudgedCase(caseOptions);
      const s: CaseSummary = { ...summarize(r), ...(calmRun ? { calmRun } : {}) };
      hooks.onEnd?.(s, i);
      return s;
    },
    { onResult: (s, i) => hooks.onCase?.(s, i, list.length) },
  );
}

/**
 * Runs one case; a scenario without `expect` is first given the expectation of its calm run (made once, reused by
 * every faulted case), and a fault-free case of such a scenario is that calm run.
 */
async function runJudgedCase(o: CaseOptions): Promise<{ result: CaseResult; calmRun?: string }> {
  if (!needsCalmRun(o.scenario)) return { result: await runCase(o), ...(o.scenario.calmRun ? { calmRun: o.scenario.calmRun } : {}) };
  const key = { adapter: o.adapter.name, scenario: o.scenario, idempotency: o.idempotency, options: o.options, outDir: o.outDir };
  const ref = await calmReference(key, () => runCase({ ...o, schedule: [] }));
  const calmRun = ref.result.runDir;
  if (o.schedule.length === 0) return { result: ref.result, calmRun };
  return { result: await runCase({ ...o, scenario: withCalmExpectation(o.scenario, calmRun, ref.expect) }), calmRun };
}

/** One line per scenario whose cases were judged against a calm run (it has no expect), or ''. */
export function calmRunLines(cases: CaseSummary[]): string {
  const seen = new Map<string, string>();
  for (const c of cases) if (c.calmRun) seen.set(`${c.scenario} on ${c.adapter} (idempotency ${c.idempotency})`, c.calmRun);
  return [...seen].map(([what, dir]) => `${what}: no expect in the scenario; judged against its calm run ${dir}\n`).join('');
}

/** `--otlp-endpoint`: an http(s) URL, else a usage error naming what is expected. */
export function checkOtlpEndpoint(v: unknown): string {
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  let ok: boolean;
  try {
    ok = ['http:', 'https:'].includes(new URL(String(s)).protocol);
  } catch {
    ok = false;
  }
  if (!ok)
    throw new UsageError(`--otlp-endpoint '${String(s)}': expected an http(s) URL of an OTLP/HTTP collector, e.g. http://127.0.0.1:4318`, 'ORD-150');
  return String(s);
}

function otlpEndpointOf(o: ExecOptions): { otlpEndpoint?: string } {
  const v = o.otlpEndpoint ?? process.env.ORDEAL_OTLP_ENDPOINT;
  return v ? { otlpEndpoint: checkOtlpEndpoint(v) } : {};
}

export function verdictTable(cases: CaseSummary[]): string {
  return table(
    ['scenario', 'adapter', 'idem', 'fault', 'verdict', 'anomaly', 'run folder'],
    cases.map((c) => [
      c.scenario,
      c.adapter,
      c.idempotency,
      scheduleLabel(c.schedule),
      verdictWord(c.valid),
      firstAnomaly(c) || unfiredNote(c),
      dim(c.runDir),
    ]),
    90,
  );
}

/** Lines telling how to replay each failing case. */
export function replayLines(cases: CaseSummary[]): string {
  return cases
    .filter((c) => c.valid !== true)
    .map((c) => `  ${c.scenario} ${scheduleLabel(c.schedule)}: ${firstAnomaly(c) || 'verdict unknown'}\n    replay: ${c.replay}`)
    .join('\n');
}

/** What a command prints when a signal stops it: the verdicts of the cases that finished, and how many did not. */
export function interruptedSummary(done: CaseSummary[], total: number, seed: number, json: boolean): string {
  if (json) return JSON.stringify({ interrupted: true, valid: done.length ? overall(done) : null, seed, total, cases: done }, null, 2) + '\n';
  const failing = replayLines(done);
  return [
    '',
    ...(done.length ? [verdictTable(done), ''] : []),
    `Interrupted: ${done.length} of ${total} case(s) finished (seed ${seed})${done.length ? '' : '; none finished'}.`,
    ...(failing ? [failing] : []),
    '',
  ].join('\n');
}
