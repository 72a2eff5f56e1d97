/** deploy on the real restate-server: new handler code under a run in flight. */
import { describe, expect, it } from 'vitest';
import { expectBlueGreenKeepsVersion1 } from '../helpers/deploy.js';
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
    // the rolling deploy of the same change fails the run with a journal mismatch (above)
    const { ops, workers } = await expectBlueGreenKeepsVersion1(['--adapter', 'restate']);
    // version 2's worker listened and was registered (workerReady) before the kill: its own endpoint
    const ready = ops.filter((o) => o.f === 'probe' && o.value.point === 'worker:ready').map((o) => o.process);
    expect(ready.slice(-3)).toEqual([workers.killed, workers.v2[0], workers.restarted]);
  });
});
