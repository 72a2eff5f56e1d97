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
});
