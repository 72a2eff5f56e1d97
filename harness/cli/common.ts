import { resolve } from 'node:path';
import { adapterManifest, adapterManifests, checkAdapterOptions } from '../../adapters/index.js';
import { UsageError } from '../errors.js';
import { textOf } from '../json.js';
import { runCase, type CaseResult } from '../run/run-case.js';
import type { PlannedCase } from '../run/plan.js';
import { firstAnomaly, overall, scheduleLabel, summarize, unfiredNote, type CaseSummary } from '../run/summary.js';
import { dim, table, verdictWord } from './table.js';
import { SPAN_EXPORTS, spanExportOf } from '../telemetry/index.js';

/**
 * Adapter options from `--opt key=value` and the adapters' own flags (each manifest's `flags`), checked against the
 * adapter's schema before anything starts.
 */
export function caseOptions(argv: { opt?: string[]; adapter?: string; [flag: string]: unknown }): Record<string, string> {
  const adapter = argv.adapter ?? 'reference';
  const out = parseOpts(argv.opt);
  for (const m of adapterManifests())
    for (const [flag, opt] of Object.entries(m.flags ?? {})) {
      const v = argv[flag];
      if (v === undefined) continue;
      if (adapter !== m.name) throw new UsageError(`--${flag} is an option of the ${m.name} adapter; add --adapter ${m.name}`, 'ORD-107');
      out[opt] = textOf(Array.isArray(v) ? v.at(-1) : v); // given twice: the last one counts, as for --otlp-endpoint
    }
  return checkAdapterOptions(adapter, out);
}

/** `--opt key=value` pairs. */
export function parseOpts(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--opt '${kv}': expected key=value, e.g. --opt synchronous=NORMAL`, 'ORD-106');
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
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
  onCase?: (s: CaseSummary, i: number, total: number) => void;
}

/** Runs planned cases one after the other. */
export async function executeCases(cases: PlannedCase[], o: ExecOptions): Promise<CaseSummary[]> {
  if (spanExportOf() === undefined)
    throw new UsageError(
      `ORDEAL_SPAN_EXPORT='${process.env.ORDEAL_SPAN_EXPORT}': expected one of ${SPAN_EXPORTS.join(', ')} (how workers export their spans)`,
      'ORD-151',
    );
  // every adapter's options are checked before the first case starts anything
  for (const name of new Set(cases.map((c) => c.adapter))) checkAdapterOptions(name, o.options);
  const out: CaseSummary[] = [];
  for (const [i, c] of cases.entries()) {
    const manifest = adapterManifest(c.adapter);
    const adapter = await manifest.load();
    const r: CaseResult = await runCase({
      adapter,
      scenario: c.scenario,
      schedule: c.schedule,
      idempotency: o.idempotency,
      seed: o.seed,
      ...(o.path ? { path: o.path } : {}),
      outDir: resolve(o.out),
      timeoutMs: o.timeoutMs ?? manifest.caseTimeoutMs ?? 60_000,
      options: o.options,
      ...otlpEndpointOf(o),
    });
    const s = summarize(r);
    out.push(s);
    o.onCase?.(s, i, cases.length);
  }
  return out;
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
