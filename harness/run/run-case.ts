/** One case: world, engine and worker started, the schedule applied, the run folder written and judged. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRunFolder, FILES, HistoryWriter, readRunFolder, writeJsonAtomic } from '../store/index.js';
import type { FaultSpec, Outcome, RunInfo, Schedule } from '../store/index.js';
import type { Scenario } from '../scenario/index.js';
import { faults, humanPlan, parseTrigger, startNetProxy, type FaultContext, type NetProxy, type Trigger } from '../faults/index.js';
import { packageRoot } from '../paths.js';
import type { FromWorld } from '../world/protocol.js';
import { defaultCheckers, runCheckers, type Verdict } from '../checks/index.js';
import { ensureError, UsageError } from '../errors.js';
import { installCleanupHandlers } from '../launch/index.js';
import type { Adapter, AdapterContext, RunHandle } from './adapter.js';
import { CaseProcesses, now } from './processes.js';
import { startWorld, type WorldProcess } from './world-process.js';
import { replayCommand, versions } from './replay.js';
import { CaseTelemetry, spanExportOf, telemetryMetrics } from '../telemetry/index.js';

export interface CaseOptions {
  adapter: Adapter;
  scenario: Scenario;
  schedule: Schedule;
  idempotency: 'framework' | 'none';
  seed: number;
  /** fast-check path, when the case came from `ordeal check`. */
  path?: string;
  outDir: string;
  /** How long to wait for the run to finish once started. */
  timeoutMs: number;
  options: Record<string, string>;
  /** Also send every span to this OTLP/HTTP collector (`--otlp-endpoint`). */
  otlpEndpoint?: string;
}

export interface CaseResult {
  runDir: string;
  verdict: Verdict;
  info: RunInfo;
}

export async function runCase(o: CaseOptions): Promise<CaseResult> {
  installCleanupHandlers();
  const { id, dir } = createRunFolder(o.outDir, o.scenario.name, o.adapter.name);
  const info: RunInfo = {
    id,
    adapter: o.adapter.name,
    scenario: o.scenario.name,
    ...(o.scenario.file ? { scenarioFile: o.scenario.file } : {}),
    schedule: o.schedule,
    seed: o.seed,
    ...(o.path ? { path: o.path } : {}),
    idempotency: o.idempotency,
    options: o.options,
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
  const telemetry = new CaseTelemetry({ runId: id, scenario: o.scenario.name, adapter: o.adapter.name, idempotency: o.idempotency, seed: o.seed, ...(o.otlpEndpoint ? { otlpEndpoint: o.otlpEndpoint } : {}) });
  telemetry.watch(history);
  const ctx: AdapterContext = {
    runId: id,
    runDir: dir,
    dataDir: join(dir, FILES.data),
    workspace: join(dir, FILES.workspace),
    worldUrl: '',
    idempotency: o.idempotency,
    scenario: o.scenario,
    options: o.options,
    traceparent: telemetry.processEnv().TRACEPARENT,
  };
  const procs = new CaseProcesses(o.adapter, ctx, history);
  // requests the orchestrator itself sends to the world are an adapter delivering the human's decision
  procs.names.set(process.pid, 'human');
  procs.extraEnv = telemetry.processEnv();
  let world: WorldProcess | undefined;
  let net: NetProxy | undefined;
  let outcome: Outcome = { status: 'running' };
  try {
    world = await startWorld({ runId: id, runDir: dir, scenario: o.scenario, host: '127.0.0.1', port: 0 }, join(dir, 'logs', 'world.log'));
    ctx.worldUrl = world.url;
    // ORDEAL_SPAN_EXPORT=off (ordeal bench): no spans from the workers, and no OTLP endpoint for the engine either
    if (world.grpcUrl && spanExportOf() !== 'off') ctx.otlpGrpcUrl = world.grpcUrl;
    telemetry.connect(world.url);
    history.append({ time: now(), process: 'world', type: 'info', f: 'start', value: { pid: world.proc.pid, url: world.url }, pid: world.proc.pid });
    for (const spec of o.schedule) Object.assign(procs.extraEnv, faults[spec.fault]?.workerEnv?.(spec));
    // network faults: the worker reaches the world only through a real Toxiproxy
    if (o.schedule.some((f) => faults[f.fault]?.needsProxy)) {
      net = await startNetProxy(world.url, dir, packageRoot);
      ctx.worldUrl = net.url;
    }
    outcome = await drive(o, ctx, world, procs, history, net);
  } catch (e) {
    info.error = ensureError(e).message;
    outcome = { status: 'failed', error: `harness: ${info.error}` };
    throw e;
  } finally {
    await procs.stopAll();
    await telemetry.finish(outcome); // before the world stops: it receives the spans
    await net?.stop();
    await world?.stop();
    await o.adapter.close?.();
    history.append({ time: now(), process: 'orchestrator', type: 'info', f: 'outcome', value: outcome as unknown as Record<string, unknown> });
    history.close();
    info.finishedAt = new Date().toISOString();
    writeJsonAtomic(join(dir, FILES.run), info);
  }
  const record = readRunFolder(dir);
  const verdict = runCheckers(record, defaultCheckers(), replayCommand(dir));
  Object.assign(verdict.metrics, telemetryMetrics(record));
  writeJsonAtomic(join(dir, FILES.verdict), verdict);
  return { runDir: dir, verdict, info };
}

async function drive(o: CaseOptions, ctx: AdapterContext, world: WorldProcess, procs: CaseProcesses, history: HistoryWriter, net?: NetProxy): Promise<Outcome> {
  const started = now();
  const triggers: Trigger[] = o.schedule.map((f) => parseTrigger(f.at));
  let handle: RunHandle | undefined;
  let chain = Promise.resolve();
  let wake: () => void = () => undefined;
  const pending: Promise<unknown>[] = [];

  const faultCtx: FaultContext = {
    killWorker: () => procs.killWorker(),
    startWorker: () => procs.startWorker(),
    ...(o.adapter.engine ? { killEngine: (target?: string) => procs.killEngine(target), startEngine: () => procs.startEngine() } : {}),
    pauseWorker: () => procs.signalWorker('SIGSTOP'),
    resumeWorker: () => procs.signalWorker('SIGCONT'),
    setResource: (rid, value) => world.send({ kind: 'set-resource', id: rid, value }),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    scenario: o.scenario,
    ...(net ? { net } : {}),
  };

  /** Fires fault `index`; faults fire one at a time, in the order their triggers came. */
  const fire = (index: number, holdId: number | undefined) => {
    chain = chain.then(async () => {
      const spec = o.schedule[index] as FaultSpec;
      const opId = `fault-${index}`;
      history.append({ time: now(), process: 'nemesis', type: 'invoke', f: 'fault', id: opId, value: { ...spec, index } });
      try {
        const firing = await faults[spec.fault]!.fire(faultCtx, spec, triggers[index]!);
        if (holdId !== undefined) world.send({ kind: 'release', holdId, action: firing.release });
        await firing.after?.();
        history.append({ time: now(), process: 'nemesis', type: 'ok', f: 'fault', id: opId, value: { ...spec, index } });
      } catch (e) {
        if (holdId !== undefined) world.send({ kind: 'release', holdId, action: { type: 'continue' } });
        history.append({ time: now(), process: 'nemesis', type: 'fail', f: 'fault', id: opId, value: { ...spec, index, error: ensureError(e).message } });
      }
      wake();
    });
    pending.push(chain);
  };

  world.onMessage((m: FromWorld) => {
    if (m.kind === 'op') {
      const name = m.op.process ?? (m.op.pid !== undefined ? procs.names.get(m.op.pid) : undefined) ?? 'unknown';
      history.append({ ...m.op, process: name });
      if (m.op.f === 'probe') wake();
    } else if (m.kind === 'trigger') fire(m.faultIndex, m.holdId);
    else if (m.kind === 'approval') pending.push(humanDecides(o, ctx, () => handle, m.id, m.request.payload, history));
  });
  world.send({
    kind: 'arm',
    faults: triggers.flatMap((t, index) => (t.kind === 'time' ? [] : [{ index, trigger: t }])),
  });
  const timers = triggers.flatMap((t, index) => (t.kind === 'time' ? [setTimeout(() => fire(index, undefined), t.ms)] : []));

  try {
    await procs.startEngine();
    if (net && o.schedule.some((f) => faults[f.fault]?.proxyTarget?.(f) === 'engine')) await linkEngineThroughProxy(o, ctx, procs, net, history);
    await procs.startWorker();
    history.append({ time: now(), process: 'orchestrator', type: 'invoke', f: 'submit', id: 'submit', value: {} });
    handle = await o.adapter.submit(ctx);
    history.append({ time: now(), process: 'orchestrator', type: 'ok', f: 'submit', id: 'submit', value: { handle: handle.id } });
    const deadline = started + o.timeoutMs;
    for (;;) {
      const out = await o.adapter.outcome(ctx, handle).catch((): Outcome => ({ status: 'running' }));
      if (out.status !== 'running') {
        await chain; // let a fault that is firing finish healing before the case ends
        return out;
      }
      if (now() > deadline) return out;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
  } finally {
    timers.forEach(clearTimeout);
    await Promise.race([Promise.allSettled(pending), new Promise((r) => setTimeout(r, 100))]);
  }
}

/** Net faults with target=engine: a Toxiproxy in front of the engine handle's linkAddress, which the worker (or engine) then dials. */
async function linkEngineThroughProxy(o: CaseOptions, ctx: AdapterContext, procs: CaseProcesses, net: NetProxy, history: HistoryWriter): Promise<void> {
  const upstream = ctx.engine?.linkAddress;
  if (!upstream) throw new UsageError(`network faults with target=engine are not supported by adapter '${o.adapter.name}': its engine gives no worker↔engine address to proxy`, 'ORD-105');
  const via = await net.linkEngine(upstream);
  procs.linkVia = via;
  ctx.engine = { ...ctx.engine!, linkAddress: via };
  history.append({ time: now(), process: 'orchestrator', type: 'info', f: 'net-proxy', value: { target: 'engine', listen: via, upstream } });
}

/** The simulated human: answers every approval request as the scenario and the schedule's human-* faults say. */
async function humanDecides(o: CaseOptions, ctx: AdapterContext, handle: () => RunHandle | undefined, id: string, payload: unknown, history: HistoryWriter): Promise<void> {
  const plan = humanPlan(o.scenario, o.schedule);
  if (plan.delayMs) await new Promise((r) => setTimeout(r, plan.delayMs));
  const { approved } = plan;
  // the human approves the request's values, with their edits: the agent should act on exactly these
  const base = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  const values = approved && (plan.edits || Object.keys(base).length > 0) ? { ...base, ...plan.edits } : undefined;
  for (let delivery = 1; delivery <= plan.times; delivery++) {
    if (delivery > 1) await new Promise((r) => setTimeout(r, 200));
    const extra = { ...(values ? { values } : {}), ...(plan.edits ? { edited: Object.keys(plan.edits) } : {}), ...(delivery > 1 ? { delivery } : {}) };
    // The decision is recorded when the human sends it, before the adapter delivers it: the engine may resume the agent
    // (and its effects may land) before the adapter's call returns. Its delivery is recorded as it completes.
    history.append({ time: now(), process: 'human', type: 'invoke', f: 'approval', value: { event: 'decided', id, approved, ...extra } });
    let error = 'the run had no handle yet';
    for (let attempt = 1; attempt <= 50; attempt++) {
      const h = handle();
      try {
        if (h) {
          await o.adapter.approve(ctx, h, { approvalId: id, approved, ...(values ? { values } : {}) });
          history.append({ time: now(), process: 'human', type: 'ok', f: 'approval', value: { event: 'delivered', id, attempts: attempt, ...(delivery > 1 ? { delivery } : {}) } });
          error = '';
          break;
        }
      } catch (e) {
        error = ensureError(e).message; // the engine may be down (a fault): try again
      }
      await new Promise((r) => setTimeout(r, Math.min(1000, 20 * attempt)));
    }
    if (error) history.append({ time: now(), process: 'human', type: 'fail', f: 'approval', value: { event: 'undelivered', id, error, ...(delivery > 1 ? { delivery } : {}) } });
  }
}
