/** deploy on the real restate-server: new handler code under a run in flight. */
import { describe, expect, it } from 'vitest';
import { engineInstalled, history, refundEntries, runOne, failures, type Judged } from '../helpers/run-folder.js';

const { installed, skipReason } = engineInstalled('restate');

describe.skipIf(!installed)(`deploy on the real restate-server${installed ? '' : ` — skipped: ${skipReason}`}`, () => {
  it('an extra ctx.run breaks the run in flight with a journal mismatch; a changed argument runs on the old journal unnoticed', async () => {
    const step = await runOne<Judged>(['--adapter', 'restate', '--scenario', 'refund-agent', '--fault', 'deploy@step:3,change=extra-step']);
    expect(failures(step.c)['deploy-fate']).toEqual(['deploy-non-determinism']);
    expect(step.c.checks['deploy-fate']!.anomalies[0]!.message).toMatch(/570 Journal mismatch/);
    // Restate keeps retrying the invocation; nothing after the deploy reached the world
    expect(refundEntries(step.c.runDir)).toEqual([]);

    const arg = await runOne<Judged>(['--adapter', 'restate', '--scenario', 'refund-agent', '--fault', 'deploy@step:3,change=changed-arg']);
    expect(failures(arg.c)).toEqual({ 'deploy-fate': ['deploy-new-code-on-old-state'] });
    expect(history(arg.c.runDir).some((o) => o.f === 'probe' && o.value.point === 'deploy:v2' && o.process === 'worker#2')).toBe(true);
  });

  it("blue-green: version 2 registered as a new deployment beside version 1's; after a kill, Restate sends the run's attempts to version 1's endpoint", async () => {
    const { code, c } = await runOne<Judged>([
      '--adapter',
      'restate',
      '--scenario',
      'refund-agent',
      '--fault',
      'deploy@step:3,change=extra-step,rollout=blue-green',
      '--fault',
      'kill-worker@step:5',
    ]);
    // the rolling deploy of the same change fails the run with a journal mismatch (above)
    expect([code, failures(c)]).toEqual([0, {}]);
    const ops = history(c.runDir);
    const starts = ops.filter((o) => o.f === 'start' && o.process.startsWith('worker#')).map((o) => o.process);
    // worker#2 is version 2 on its own endpoint; worker#3 is worker#1 restarted after the kill, on version 1's endpoint
    expect(starts).toEqual(['worker#1', 'worker#2', 'worker#3']);
    const ready = ops.filter((o) => o.f === 'probe' && o.value.point === 'worker:ready').map((o) => o.process);
    expect(ready).toEqual(['worker#1', 'worker#2', 'worker#3']);
    // no code of version 2 touched the run: the extra step never ran, the refund once
    expect(ops.filter((o) => o.f === 'probe' && o.value.point === 'deploy:v2')).toEqual([]);
    expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
  });
});
