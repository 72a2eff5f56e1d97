/** A blue-green deploy and a kill of version 1's worker after it, on refund-agent (docs/faults.md, "Blue-green"). */
import { expect } from 'vitest';
import { failures, history, refundEntries, runOne, verdict, type HistoryOp, type Judged } from './run-folder.js';

/** Which worker processes the deploy and the kill started, from the history (a worker that exits on its own is restarted too, and renumbers the rest). */
export interface BlueGreenWorkers {
  /** Version 2's: started while the deploy fault ran. */
  v2: string[];
  /** The worker the kill took: version 1's, running the refund. */
  killed: string;
  /** Version 1's worker the kill restarted (on version 1). */
  restarted: string;
}

function workers(ops: HistoryOp[]): BlueGreenWorkers {
  const at = (pred: (o: HistoryOp) => boolean) => ops.findIndex(pred);
  const deployFrom = at((o) => o.f === 'fault' && o.type === 'invoke' && o.value.fault === 'deploy');
  const deployTo = at((o) => o.f === 'fault' && o.type === 'ok' && o.value.fault === 'deploy');
  const killAt = at((o) => o.f === 'fault' && o.type === 'invoke' && o.value.fault === 'kill-worker');
  expect([deployFrom, deployTo, killAt].every((i) => i >= 0) && deployFrom < deployTo && deployTo < killAt, 'the deploy ran, then the kill').toBe(
    true,
  );
  const started = (from: number, to: number) =>
    ops.slice(from, to).flatMap((o) => (o.f === 'start' && o.process.startsWith('worker#') ? [o.process] : []));
  const killed = ops.slice(killAt).find((o) => o.f === 'death' && o.process.startsWith('worker#') && o.value.signal === 'SIGKILL');
  return { v2: started(deployFrom, deployTo), killed: killed?.process ?? '(none)', restarted: started(killAt, ops.length)[0] ?? '(none)' };
}

/**
 * Deploys version 2 (an extra step) beside version 1 at step:3, fires `between`, then kills version 1's worker when
 * the refund's request reaches the world (before it is applied, so the kill cannot lose the race to the refund), and
 * checks what a blue-green deploy promises a run version 1 began: it is valid and finished on version 1. Version 2's
 * worker runs all along and makes nothing; version 1's worker restarted on version 1 makes the refund, once; no code
 * of version 2 ran on the run (no `deploy:v2` probe). The case, its history and its workers, for the adapter's own checks.
 */
export async function expectBlueGreenKeepsVersion1(
  args: string[],
  between: string[] = [],
): Promise<{ c: Judged; ops: HistoryOp[]; workers: BlueGreenWorkers }> {
  const faults = ['deploy@step:3,change=extra-step,rollout=blue-green', ...between, 'kill-worker@before-effect:1'];
  const { code, c } = await runOne<Judged>([...args, '--scenario', 'refund-agent', ...faults.flatMap((f) => ['--fault', f])]);
  expect([code, failures(c)]).toEqual([0, {}]);
  expect(verdict(c.runDir).checks['deploy-fate']!.metrics).toEqual({ fate: 0, v2Steps: 0 });
  const ops = history(c.runDir);
  const w = workers(ops);
  expect(w.v2).toHaveLength(1);
  // the kill took version 1's worker; version 2's ran on until the case ended it
  expect(w.v2).not.toContain(w.killed);
  expect(ops.some((o) => o.f === 'death' && o.process === w.v2[0] && o.value.expected !== true)).toBe(false);
  const invoked = new Map(ops.filter((o) => o.f === 'effect' && o.type === 'invoke').map((o) => [o.id, o]));
  const applied = ops.filter(
    (o) => o.f === 'effect' && o.type === 'ok' && o.value.outcome === 'applied' && invoked.get(o.id)?.value.effect === 'refund:order-1042',
  );
  expect(applied.map((o) => o.process)).toEqual([w.restarted]);
  expect(w.v2).not.toContain(w.restarted);
  expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
  expect(ops.filter((o) => o.f === 'probe' && o.value.point === 'deploy:v2')).toEqual([]);
  return { c, ops, workers: w };
}
