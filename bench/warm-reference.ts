/**
 * The reference runtime in one long-lived process: the agent loop on the runtime, run chain after chain beside one
 * long-lived world, the way a production worker serves run after run (in the warm rows' own process, bench/warm-process.ts). Every bench case gets a
 * fresh worker and a fresh world (a kill must be a real restart), so no case shows what a step costs once the code is
 * warm; this does, beside the warm loop (the same parts by hand), in the same run.
 */
import { textOf } from '../harness/json.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openRuntime } from '../adapters/reference/runtime/index.js';
import { agentWorkflow } from '../adapters/reference/agent-loop.js';
import { agentTask, WorldClient } from '../harness/agent/index.js';
import { startWorld } from '../harness/run/world-process.js';
import { benchScenario } from './scenarios.js';
import { median, quantiles, round, type Quantiles } from './stats.js';

export interface WarmReference {
  /** One turn of a chain (model call to the next model call, on the world's clock), p50/p99 over `measuredTurns` turns. */
  perTurnMs: Quantiles;
  /** The chains' length: their turns carry conversations of 0 to `turns` − 1 turns (mean size near the floor's). */
  turns: number;
  /** Turns run before the measured ones, unmeasured: the cost of a turn falls for a few thousand turns (JIT tiering). */
  warmUpTurns: number;
  measuredTurns: number;
  /**
   * How many measurements the figures are the median of: one beside each of the run's floor measurements (as the warm
   * loop is measured), so that one busy moment of a shared machine does not make the row. Absent: one (an older ordeal).
   */
  measurements?: number;
}

/** p50 and p99 each the median over the measurements (nearest rank), as the floor's parts are. */
export function medianWarmReference(all: WarmReference[]): WarmReference {
  const first = all[0]!;
  return {
    perTurnMs: { p50: round(median(all.map((w) => w.perTurnMs.p50))), p99: round(median(all.map((w) => w.perTurnMs.p99))) },
    turns: first.turns,
    warmUpTurns: first.warmUpTurns,
    measuredTurns: first.measuredTurns,
    measurements: all.length,
  };
}

export async function measureWarmReference(dir: string, turns: number, quick: boolean): Promise<WarmReference> {
  const tmp = mkdtempSync(join(dir, 'warm-reference-'));
  const scenario = benchScenario('chain', turns);
  const world = await startWorld({ runId: 'bench-warm-reference', runDir: tmp, scenario, host: '127.0.0.1', port: 0 }, join(tmp, 'world.log'));
  const invokes: number[] = [];
  world.onMessage((m) => {
    if (m.kind === 'op' && m.op.f === 'llm' && m.op.type === 'invoke') invokes.push(m.op.time);
  });
  const probes = process.env.ORDEAL_PROBES;
  process.env.ORDEAL_PROBES = 'off'; // as in every bench case: ordeal's own instrumentation is not measured
  const rt = openRuntime({ path: join(tmp, 'journal.db'), synchronous: 'FULL', workerId: 'bench-warm' });
  rt.register('agent', agentWorkflow({ world: new WorldClient(world.url), workspace: tmp, idempotency: 'framework' }));
  const worker = rt.runWorker({ pollMs: 20 });
  const warmUpTurns = quick ? 1000 : 5000;
  const measuredTurns = quick ? 200 : 1000;
  const perTurn: number[] = [];
  try {
    for (let r = 0, done = 0; done < warmUpTurns + measuredTurns; r++) {
      const from = invokes.length;
      const id = `warm-${r}`;
      rt.start(id, 'agent', agentTask(scenario, {}));
      const s = await rt.wait(id, { pollMs: 5, timeoutMs: 120_000 });
      if (s.status !== 'completed') throw new Error(`warm reference chain ${id} ended ${s.status}: ${textOf(s.error)}; see ${tmp}`);
      // the final answer's invoke is recorded before the instance completes; its op reaches this process over IPC
      await until(() => invokes.length >= from + turns + 1);
      const mine = invokes.slice(from, from + turns + 1);
      if (done >= warmUpTurns) perTurn.push(...mine.slice(1).map((t, i) => t - mine[i]!));
      done += turns;
    }
    return { perTurnMs: quantiles(perTurn), turns, warmUpTurns, measuredTurns: perTurn.length };
  } finally {
    await worker.stop();
    rt.close();
    if (probes === undefined) delete process.env.ORDEAL_PROBES;
    else process.env.ORDEAL_PROBES = probes;
    await world.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function until(ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('warm reference: the world did not report every model call of the chain');
    await new Promise((r) => setTimeout(r, 2));
  }
}
