/** Setting up one case: its run folder, then the world, Toxiproxy when the schedule needs it, the engine and the case's context. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRunFolder, FILES, HistoryWriter, writeJsonAtomic } from '../store/index.js';
import type { RunInfo } from '../store/index.js';
import { faults, startNetProxy, type NetProxy } from '../faults/index.js';
import { startFaultFs, type DiskControl } from '../faultfs/index.js';
import { FakeClock } from '../faults/fake-clock.js';
import type { ClockTarget } from '../faults/types.js';
import { textOf } from '../json.js';
import { packageRoot } from '../paths.js';
import { CaseTelemetry, spanExportOf } from '../telemetry/index.js';
import type { AdapterContext } from './adapter.js';
import { now } from '../store/index.js';
import { EngineLink, linkProxied } from './engine-link.js';
import { CaseProcesses } from './processes.js';
import type { CaseOptions } from './run-case.js';
import { startWorld, type WorldProcess } from './world-process.js';
import { versions } from './versions.js';
import { findAdapter } from '../../adapters/index.js';

/** The run folder of a case, open for writing: run.json's record, the history and the case's telemetry. */
export interface CaseFolder {
  readonly id: string;
  readonly dir: string;
  /** run.json; `error` and `finishedAt` are filled in when the case ends. */
  readonly info: RunInfo;
  readonly history: HistoryWriter;
  readonly telemetry: CaseTelemetry;
}

/** What of the case is running, filled in by setup as each part starts: teardown stops what is there. */
export interface Running {
  world?: WorldProcess;
  net?: NetProxy;
  procs?: CaseProcesses;
  disk?: DiskControl;
}

/** A case set up and ready to run: nothing in it is rewritten later. */
export interface Case {
  readonly folder: CaseFolder;
  readonly world: WorldProcess;
  /** Present when the schedule has network faults: the worker reaches the world (and maybe the engine) through it. */
  readonly net?: NetProxy;
  /** Present when the schedule has disk faults: the fault filesystem over the data directory. */
  readonly disk?: DiskControl;
  readonly procs: CaseProcesses;
  /** The wall clocks libfaketime moves, per target: present for the targets of the schedule's clock-jumps. */
  readonly clocks: Partial<Record<ClockTarget, FakeClock>>;
  /** What every adapter call gets (the worker's context); its `engine` is the link's engine as dialed. */
  readonly ctx: Readonly<AdapterContext>;
  /** Set while a machine crash is in progress: the orchestrator's own clients of the adapter stay away from the disk. */
  readonly crashing?: { value: boolean };
  /** When the case's clock started (before the engine started): time triggers and the timeout count from it. */
  readonly startedAt: number;
}

/** The attempts the adapter's retry policy gives a step (a model or tool call), as run.json records them (`retry-bound` reads them). */
function stepAttempts(o: CaseOptions): { stepAttempts?: number } {
  const n = findAdapter(o.adapter.name)?.stepAttempts?.(o.options);
  return n !== undefined && Number.isInteger(n) && n >= 1 ? { stepAttempts: n } : {};
}

/** Creates the run folder and writes what is known before anything runs: run.json, the schedule, the scenario, the workspace. */
export function openCaseFolder(o: CaseOptions): CaseFolder {
  const { id, dir } = createRunFolder(o.outDir, o.scenario.name, o.adapter.name);
  const info: RunInfo = {
    id,
    adapter: o.adapter.name,
    ...(findAdapter(o.adapter.name)?.module ? { adapterModule: findAdapter(o.adapter.name)!.module! } : {}),
    scenario: o.scenario.name,
    ...(o.scenario.file ? { scenarioFile: o.scenario.file } : {}),
    schedule: o.schedule,
    seed: o.seed,
    ...(o.path ? { path: o.path } : {}),
    idempotency: o.idempotency,
    options: o.options,
    ...stepAttempts(o),
    timeoutMs: o.timeoutMs,
    versions: versions(),
    startedAt: new Date().toISOString(),
  };
  writeJsonAtomic(join(dir, FILES.run), info);
  writeJsonAtomic(join(dir, FILES.schedule), o.schedule);
  const { file: _file, ...scenarioData } = o.scenario;
  writeJsonAtomic(join(dir, FILES.scenario), scenarioData);
  for (const [p, content] of Object.entries(o.scenario.fixture.workspace)) {
    mkdirSync(dirname(join(dir, FILES.workspace, p)), { recursive: true });
    writeFileSync(join(dir, FILES.workspace, p), content);
  }
  const history = new HistoryWriter(join(dir, FILES.history));
  const telemetry = new CaseTelemetry({
    runId: id,
    scenario: o.scenario.name,
    adapter: o.adapter.name,
    idempotency: o.idempotency,
    seed: o.seed,
    ...(o.otlpEndpoint ? { otlpEndpoint: o.otlpEndpoint } : {}),
  });
  telemetry.watch(history);
  return { id, dir, info, history, telemetry };
}

/**
 * Starts the world, Toxiproxy when the schedule has network faults (the worker then reaches the world through it),
 * and the engine (behind a second proxy for target=engine), recording each part in `running` as it starts so that
 * teardown stops it whatever fails later. The worker is not started: running the case starts it.
 */
export async function setUpCase(o: CaseOptions, folder: CaseFolder, running: Running, marks?: { world?: number }): Promise<Case> {
  const { id, dir, history, telemetry } = folder;
  const world = await startWorld(
    { runId: id, runDir: dir, scenario: o.scenario, host: '127.0.0.1', port: 0, ...(o.model ? { model: o.model } : {}) },
    join(dir, FILES.logs, 'world.log'),
  );
  running.world = world;
  if (marks) marks.world = now();
  telemetry.connect(world.url);
  history.append({ time: now(), process: 'world', type: 'info', f: 'start', value: { pid: world.proc.pid, url: world.url }, pid: world.proc.pid });
  const extraEnv: Record<string, string> = telemetry.processEnv();
  for (const spec of o.schedule) Object.assign(extraEnv, faults[spec.fault]?.workerEnv?.(spec));
  // clock-jump: libfaketime is preloaded into its target from the start, its control file under clock/ moves it later
  const clocks: Partial<Record<ClockTarget, FakeClock>> = {};
  for (const spec of o.schedule.filter((f) => f.fault === 'clock-jump')) {
    const target: ClockTarget = textOf(spec.target ?? 'worker') === 'engine' ? 'engine' : 'worker';
    clocks[target] ??= new FakeClock(join(dir, 'clock', `${target}.faketime`));
  }
  if (clocks.worker) Object.assign(extraEnv, clocks.worker.env());
  // network faults: the worker reaches the world only through a real Toxiproxy
  const net = o.schedule.some((f) => faults[f.fault]?.needsProxy) ? await startNetProxy(world.url, dir, packageRoot) : undefined;
  running.net = net;
  // disk faults: the data directory is the fault filesystem's mount, before any process opens a file in it
  const disk = o.schedule.some((f) => faults[f.fault]?.needsDisk) ? await startFaultFs(join(dir, FILES.data), dir) : undefined;
  running.disk = disk;
  const link = new EngineLink();
  const ctx: Readonly<AdapterContext> = {
    runId: id,
    runDir: dir,
    dataDir: join(dir, FILES.data),
    workspace: join(dir, FILES.workspace),
    worldUrl: net?.url ?? world.url,
    // ORDEAL_SPAN_EXPORT=off (ordeal bench): no spans from the workers, and no OTLP endpoint for the engine either
    ...(world.grpcUrl && spanExportOf() !== 'off' ? { otlpGrpcUrl: world.grpcUrl } : {}),
    idempotency: o.idempotency,
    scenario: o.scenario,
    options: o.options,
    ...(disk ? { faultDisk: true } : {}),
    traceparent: telemetry.processEnv().TRACEPARENT,
    get engine() {
      return link.engine;
    },
  };
  const procs = new CaseProcesses(o.adapter, ctx, link, history, extraEnv, undefined, clocks.engine?.env() ?? {});
  running.procs = procs;
  const startedAt = now();
  await procs.startEngine();
  if (net && linkProxied(o.schedule))
    await link.throughProxy({ name: o.adapter.name, engineLink: findAdapter(o.adapter.name)?.engineLink === true }, net, history);
  return { folder, world, ...(net ? { net } : {}), ...(disk ? { disk, crashing: { value: false } } : {}), procs, clocks, ctx, startedAt };
}
