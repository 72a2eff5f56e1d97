/** Runs one bench case through the real orchestrator and reads its timings from the history the world recorded. */
import { join } from 'node:path';
import { runCase } from '../harness/run/run-case.js';
import type { Adapter } from '../harness/run/adapter.js';
import type { Schedule } from '../harness/store/index.js';
import { FILES, readJsonl, type Op } from '../harness/store/index.js';
import type { Scenario } from '../harness/scenario/index.js';
import { recoveries } from '../harness/checks/index.js';

export interface CaseTiming {
  runDir: string;
  /** First model call's invoke to the last model call's ok, on the world's clock (ms). */
  agentMs: number;
  firstLlm: number;
  lastLlm: number;
  ops: Op[];
  workerPids: number[];
}

export interface BenchCaseOptions {
  adapter: Adapter;
  scenario: Scenario;
  outDir: string;
  schedule?: Schedule;
  /** ORDEAL_PROBES=off for the workers of this case (they inherit the orchestrator's environment). */
  probes: boolean;
  /** How long the case may take (default 180 s; an adapter whose manifest allows longer gets that). */
  timeoutMs?: number;
}

export async function benchCase(o: BenchCaseOptions): Promise<CaseTiming> {
  if (o.probes) delete process.env.ORDEAL_PROBES;
  else process.env.ORDEAL_PROBES = 'off';
  // ordeal's own telemetry is not what is measured (like its probes): no worker starts the OpenTelemetry SDK and no
  // engine is given an OTLP endpoint, the same for all
  process.env.ORDEAL_SPAN_EXPORT = 'off';
  const r = await runCase({
    adapter: o.adapter,
    scenario: o.scenario,
    schedule: o.schedule ?? [],
    idempotency: 'framework',
    seed: 1,
    outDir: o.outDir,
    timeoutMs: Math.max(180_000, o.timeoutMs ?? 0),
    options: {},
  });
  const ops = readJsonl<Op>(join(r.runDir, FILES.history));
  const outcome = ops.find((op) => op.f === 'outcome')?.value as { status?: string; error?: string } | undefined;
  if (outcome?.status !== 'completed')
    throw new Error(
      `bench case ${o.scenario.name} did not complete (${outcome?.status ?? 'no outcome'}${outcome?.error ? `: ${outcome.error}` : ''}); see ${r.runDir}`,
    );
  const llm = ops.filter((op) => op.f === 'llm');
  const first = llm.find((op) => op.type === 'invoke');
  const last = [...llm].reverse().find((op) => op.type === 'ok');
  if (!first || !last) throw new Error(`bench case ${o.scenario.name}: no model calls in ${r.runDir}`);
  const workerPids = ops.filter((op) => op.f === 'start' && op.process.startsWith('worker') && op.pid !== undefined).map((op) => op.pid as number);
  return { runDir: r.runDir, agentMs: last.time - first.time, firstLlm: first.time, lastLlm: last.time, ops, workerPids };
}

/** The fault → the next progress of the run, as the recovery checker measures it (`recovery.maxRecoveryMs`). */
export function recoveryMs(ops: Op[]): number | undefined {
  return recoveries(ops)[0]?.ms;
}
