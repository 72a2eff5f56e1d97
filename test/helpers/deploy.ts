/** A blue-green deploy and a kill of version 1's worker after it, on refund-agent (docs/faults.md, "Blue-green"). */
import { expect } from 'vitest';
import { failures, history, refundEntries, runOne, verdict, type HistoryOp, type Judged } from './run-folder.js';

/**
 * Deploys version 2 (an extra step) beside version 1 at step:3, fires `between`, then kills version 1's worker at
 * step:5, and checks what a blue-green deploy promises a run version 1 began: it is valid and finished on version 1.
 * worker#2 is version 2; worker#3, version 1's worker restarted on version 1, makes the refund, once; no code of
 * version 2 ran on the run (no `deploy:v2` probe). The case and its history, for the adapter's own checks.
 */
export async function expectBlueGreenKeepsVersion1(args: string[], between: string[] = []): Promise<{ c: Judged; ops: HistoryOp[] }> {
  const faults = ['deploy@step:3,change=extra-step,rollout=blue-green', ...between, 'kill-worker@step:5'];
  const { code, c } = await runOne<Judged>([...args, '--scenario', 'refund-agent', ...faults.flatMap((f) => ['--fault', f])]);
  expect([code, failures(c)]).toEqual([0, {}]);
  expect(verdict(c.runDir).checks['deploy-fate']!.metrics).toEqual({ fate: 0, v2Steps: 0 });
  const ops = history(c.runDir);
  expect(ops.filter((o) => o.f === 'start' && o.process.startsWith('worker#')).map((o) => o.process)).toEqual(['worker#1', 'worker#2', 'worker#3']);
  const refunds = ops.filter((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042');
  expect(refunds.map((o) => o.process)).toEqual(['worker#3']);
  expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
  expect(ops.filter((o) => o.f === 'probe' && o.value.point === 'deploy:v2')).toEqual([]);
  return { c, ops };
}
