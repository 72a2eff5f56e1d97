/** Running a set-up case: the worker started, the run submitted, the human and the nemesis at work until the outcome; then teardown. */
import { join } from 'node:path';
import { FILES, writeJsonAtomic, type Outcome } from '../store/index.js';
import type { FromWorld } from '../world/protocol.js';
import type { RunHandle } from './adapter.js';
import { now } from '../store/index.js';
import { HarnessError } from '../errors.js';
import { interrupted } from '../launch/index.js';
import { humanDecides } from './human.js';
import { Nemesis } from './nemesis.js';
import type { CaseOptions } from './run-case.js';
import type { Case, CaseFolder, Running } from './setup.js';

/**
 * Records the world's ops in the history (named after the process that made them), hands its triggers to the
 * nemesis and its approval requests to the human, then starts the worker, submits the run and polls its outcome
 * until it ends or `timeoutMs` after the case's start; a fault still firing at the end heals first.
 */
export async function interpret(o: CaseOptions, c: Case): Promise<Outcome> {
  const { procs, world, ctx } = c;
  const { history } = c.folder;
  let handle: RunHandle | undefined;
  let over = false;
  let wake: () => void = () => undefined;
  const pending: Promise<unknown>[] = [];
  let harnessBroke: (e: HarnessError) => void = () => undefined;
  const broken = new Promise<never>((_, reject) => (harnessBroke = reject));
  broken.catch(() => undefined);
  const nemesis = new Nemesis(
    c,
    o.schedule,
    (p) => pending.push(p),
    () => wake(),
    (e) => harnessBroke(e),
  );
  // the human stops retrying a delivery once the case is over (a signal to a finished workflow fails for good)
  const ending = new AbortController();
  const human = { adapter: o.adapter, scenario: o.scenario, schedule: o.schedule, ctx, history, ended: () => over, signal: ending.signal };

  world.onMessage((m: FromWorld) => {
    if (m.kind === 'op') {
      // requests the orchestrator itself sends to the world are an adapter delivering the human's decision
      const byPid = m.op.pid === undefined ? undefined : m.op.pid === process.pid ? 'human' : procs.nameOf(m.op.pid);
      history.append({ ...m.op, process: m.op.process ?? byPid ?? 'unknown' });
      wake(); // the run moved: its outcome may have changed
    } else if (m.kind === 'trigger') nemesis.fire(m.faultIndex, m.holdId, m.detail);
    else if (m.kind === 'approval') pending.push(humanDecides(human, () => handle, m.id, m.request.payload));
  });
  nemesis.arm();

  // the world dying mid-case is the harness's failure, not the agent's: recorded, and the case ends at once (exit 3)
  const worldDied = world.proc.exited.then((exit): never => {
    if (!over)
      history.append({
        time: now(),
        process: 'world',
        type: 'info',
        f: 'death',
        // killed by the orchestrator's own interrupt (SIGINT/SIGTERM): expected, as the workers' deaths are
        value: { pid: world.proc.pid, code: exit.code, signal: exit.signal, expected: interrupted() !== 0 },
        pid: world.proc.pid,
      });
    throw new HarnessError(
      `the world process (pid ${world.proc.pid}) died mid-case (code ${exit.code}, signal ${exit.signal}); the case cannot be judged. See ${join(c.folder.dir, FILES.logs, 'world.log')}`,
      'ORD-340',
    );
  });
  worldDied.catch(() => undefined);

  try {
    const driving = drive();
    driving.catch(() => undefined); // when the world died first, what the drive still does is torn down, not reported
    return await Promise.race([driving, worldDied, broken]);
  } finally {
    over = true;
    nemesis.disarm();
    // the human's pending deliveries belong to the case (human-twice sends its second one 200 ms after the first); none reach a dead world
    if (!worldGone(world.proc)) await Promise.race([Promise.allSettled(pending), new Promise((r) => setTimeout(r, 1000))]);
    // a human still waiting after that (human-late past the case's end) never answers: no timer outlives the case
    ending.abort();
  }

  async function drive(): Promise<Outcome> {
    await procs.startWorker();
    history.append({ time: now(), process: 'orchestrator', type: 'invoke', f: 'submit', id: 'submit', value: {} });
    handle = await o.adapter.submit(ctx);
    history.append({ time: now(), process: 'orchestrator', type: 'ok', f: 'submit', id: 'submit', value: { handle: handle.id } });
    const deadline = c.startedAt + o.timeoutMs;
    // polled once the run has been quiet for 5 ms (a run ends a few ms after its last op), backing off to every 50 ms
    // while nothing happens; a run that keeps moving is still polled every 50 ms. Not at every op: each poll reads the
    // engine or its database, and a poll per op would load the system being measured.
    let idlePolls = 0;
    for (;;) {
      // a machine crash in progress: the adapter's clients are down with the machine
      const out = c.crashing?.value
        ? { status: 'running' as const }
        : await o.adapter.outcome(ctx, handle).catch((): Outcome => ({ status: 'running' }));
      if (out.status !== 'running') {
        // a fault that is firing runs its course before the case ends: a paused replica resumes and may act again after
        // another finished the run (extra-worker), a late answer still lands (tool-timeout); only the case's end cuts it short
        await nemesis.settled();
        return out;
      }
      if (now() > deadline) return out;
      await new Promise<void>((r) => {
        const latest = Date.now() + 50;
        let timer = setTimeout(r, Math.min(50, 5 * 2 ** idlePolls++));
        wake = () => {
          idlePolls = 0;
          clearTimeout(timer);
          timer = setTimeout(r, Math.max(0, Math.min(5, latest - Date.now())));
        };
      });
      if (over) return out;
    }
  }
}

/**
 * Ends the case on every path, whatever setup got to start: the worker and the engine stopped, the case's spans
 * flushed to the world, Toxiproxy and the world stopped, the adapter's clients closed; then the outcome op, and
 * run.json with the time it finished.
 */
export async function tearDown(o: CaseOptions, folder: CaseFolder, running: Running, outcome: Outcome): Promise<void> {
  const { history, info } = folder;
  await running.procs?.stopAll();
  // before the world stops: it receives the spans (a dead world receives none, so no waiting for it)
  const finishing = folder.telemetry.finish(outcome);
  await (running.world && worldGone(running.world.proc) ? Promise.race([finishing, new Promise((r) => setTimeout(r, 100).unref())]) : finishing);
  await running.net?.stop();
  await running.world?.stop();
  await o.adapter.close?.();
  await running.disk?.stop(); // after the adapter's clients closed their files in it
  if (interrupted()) {
    // cut short by SIGINT/SIGTERM: the folder stays unfinished (no outcome, no finishedAt), so --resume runs it again
    history.close();
    return;
  }
  history.append({ time: now(), process: 'orchestrator', type: 'info', f: 'outcome', value: outcome });
  history.close();
  info.finishedAt = new Date().toISOString();
  writeJsonAtomic(join(folder.dir, FILES.run), info);
}

/** The world process has exited. */
const worldGone = (p: { child: { exitCode: number | null; signalCode: NodeJS.Signals | null } }) =>
  p.child.exitCode !== null || p.child.signalCode !== null;
