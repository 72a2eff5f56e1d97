/** extra-worker, clock-jump and deploy on the real Temporal dev server. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faketimePreload } from '../../harness/engines/faketime.js';
import { enginesRoot } from '../../harness/engines/index.js';
import { root } from '../helpers/cli.js';
import { expectBlueGreenKeepsVersion1 } from '../helpers/deploy.js';
import { engineInstalled, history, refundEntries, runOne, verdict, failures, type Judged } from '../helpers/run-folder.js';

const { installed, skipReason } = engineInstalled('temporal');
// a 1 s heartbeat timeout: a dead worker's activity is retried within seconds (adapters/temporal/README.md)
const temporal = ['--adapter', 'temporal', '--opt', 'heartbeatMs=1000'];

describe.skipIf(!installed)(`time and change faults on the real Temporal dev server${installed ? '' : ` — skipped: ${skipReason}`}`, () => {
  it("deploy of an extra step: the run in flight hits Temporal's non-determinism error; with versioning=on (patched) it completes on the old path", async () => {
    const plain = await runOne<Judged>([...temporal, '--scenario', 'refund-agent', '--fault', 'deploy@step:3,change=extra-step']);
    expect(plain.code).toBe(1);
    expect(failures(plain.c)['deploy-fate']).toEqual(['deploy-non-determinism']);
    expect(plain.c.checks['deploy-fate']!.anomalies[0]!.message).toMatch(
      /did not survive the deploy of version 2 \(change extra-step\) at step:3: it failed with a non-determinism error.*TMPRL1100/,
    );
    // the workflow itself is stuck RUNNING: Temporal retries its workflow task, which fails the same way every time
    const outcome = history(plain.c.runDir).find((o) => o.f === 'outcome')!.value;
    expect(outcome.error).toMatch(
      /stays RUNNING.*Nondeterminism error: Activity type of scheduled event 'runToolCall' does not match activity type of activity command 'audit'/,
    );
    // nothing after the deploy reached the world: the refund was never made
    expect(refundEntries(plain.c.runDir)).toEqual([]);

    const versioned = await runOne<Judged>([
      ...temporal,
      '--opt',
      'versioning=on',
      '--scenario',
      'refund-agent',
      '--fault',
      'deploy@step:3,change=extra-step',
    ]);
    expect([versioned.code, failures(versioned.c)]).toEqual([0, {}]);
    expect(verdict(versioned.c.runDir).checks['deploy-fate']!.metrics).toEqual({ fate: 0, v2Steps: 0 });
    const ops = history(versioned.c.runDir);
    // version 2's worker finished the run: the refund came from worker#2, on version 1's path (no audit step)
    expect(ops.filter((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042').map((o) => o.process)).toEqual([
      'worker#2',
    ]);
    expect(ops.some((o) => o.f === 'probe' && o.value.point === 'deploy:v2')).toBe(false);
  });

  it('deploy of a changed argument: no error from Temporal, and version 2 runs on the state version 1 left', async () => {
    const { code, c } = await runOne<Judged>([...temporal, '--scenario', 'refund-agent', '--fault', 'deploy@step:3,change=changed-arg']);
    expect([code, failures(c)]).toEqual([1, { 'deploy-fate': ['deploy-new-code-on-old-state'] }]);
    expect(
      history(c.runDir)
        .filter((o) => o.f === 'probe' && o.value.point === 'deploy:v2')
        .map((o) => o.process),
    ).toEqual(['worker#2', 'worker#2']);
  });

  it("blue-green with Worker Versioning (pinned): version 2 becomes the deployment's current version, and after a kill the run goes on on version 1", async () => {
    // the rolling deploy of the same change is stuck on TMPRL1100 (above), and so is this one without Worker
    // Versioning whenever version 2's worker takes one of the run's workflow tasks (docs/faults.md)
    await expectBlueGreenKeepsVersion1(
      // the killed worker's sticky queue lets go of the workflow task after 1 s, not 10
      [...temporal, '--opt', 'workerVersioning=pinned', '--opt', 'stickyMs=1000'],
      // the human answers late: version 2's worker is up and current before the run goes on, and the kill comes after
      ['human-late@approval:waiting,ms=4000'],
    );
  });

  it("extra-worker: the second replica retries the dead first worker's activity; without keys the refund is made twice, with them once", async () => {
    const schedule = ['--fault', 'extra-worker@step:1', '--fault', 'kill-worker@after-effect:1,restartAfterMs=5000'];
    const none = await runOne<Judged>([...temporal, '--scenario', 'refund-agent', '--idempotency', 'none', ...schedule]);
    expect(failures(none.c)['exactly-once-effects']).toEqual(['duplicate']);
    const refunds = history(none.c.runDir).filter((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042');
    expect(refunds.map((o) => o.process)).toEqual(['worker#1', 'worker#2']);
    expect(refundEntries(none.c.runDir).map((e) => e.outcome)).toEqual(['applied', 'applied']);

    const keyed = await runOne<Judged>([...temporal, '--scenario', 'refund-agent', ...schedule]);
    expect([keyed.code, failures(keyed.c)]).toEqual([0, {}]);
    expect(refundEntries(keyed.c.runDir).map((e) => e.outcome)).toEqual(['applied', 'deduplicated']);
  });

  it.skipIf(!faketimePreload(enginesRoot(root)))(
    'clock-jump: the Temporal worker and its tools see the clock an hour ahead; the run stays valid',
    async () => {
      const { code, c } = await runOne<Judged>([
        ...temporal,
        '--scenario',
        join(root, 'test/fixtures/clock-stamp.json'),
        '--fault',
        'clock-jump@step:2,ms=3600000',
      ]);
      expect([code, failures(c)]).toEqual([0, {}]);
      const stamp = (f: string) => Number(readFileSync(join(c.runDir, 'workspace', f), 'utf8'));
      expect(stamp('after.txt') - stamp('before.txt')).toBeGreaterThanOrEqual(3600);
    },
  );
});
