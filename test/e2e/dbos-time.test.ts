/** deploy on DBOS Transact: new workflow code under a run in flight, with and without DBOS's patching. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresAnswers } from '../helpers/postgres.js';
import { expectBlueGreenKeepsVersion1 } from '../helpers/deploy.js';
import { history, refundEntries, runOne, verdict, type HistoryOp, failures, type Judged } from '../helpers/run-folder.js';

/** The failing checkers of a case with their anomaly kinds. */

const { installed, skipReason } = await postgresAnswers();

/**
 * Version 1 is held where it cannot move when the deploy lands: waiting for a human who answers 1.5 s after the request.
 * DBOS.shutdown() does not stop a running workflow ("Shutting down while 1 workflows are still running"), so with a human
 * who answers at once version 1 could reach the refund during its worker's graceful stop, now and then.
 */
const deploy = (change: string, ...opts: string[]) =>
  runOne<Judged>([
    '--adapter',
    'dbos',
    '--scenario',
    'refund-agent',
    '--fault',
    `deploy@step:3,change=${change}`,
    '--fault',
    'human-late@approval:waiting,ms=1500',
    ...opts.flatMap((o) => ['--opt', o]),
  ]);
const outcomeOf = (dir: string) => history(dir).find((o) => o.f === 'outcome')!.value as { status: string; error?: string };
const workerLog = (dir: string) => readFileSync(join(dir, 'logs/worker.log'), 'utf8');
const v2Probes = (ops: HistoryOp[]) => ops.filter((o) => o.f === 'probe' && o.value.point === 'deploy:v2').map((o) => o.process);

describe.skipIf(!installed)(`deploy on DBOS Transact${installed ? '' : ` — skipped: ${skipReason}`}`, () => {
  it('version 2 as a new application version: DBOS does not recover the run version 1 began, which stays PENDING, reported as stranded', async () => {
    const { code, c } = await deploy('extra-step');
    expect(code).toBe(1);
    // nothing of version 2 touched the run, which went no further: the deploy broke it, with no non-determinism error
    expect(failures(c)).toEqual({
      completion: ['failed'],
      'exactly-once-effects': ['lost', 'lost'],
      recovery: ['no-recovery'],
      'deploy-fate': ['deploy-broken-run'],
    });
    expect(verdict(c.runDir).checks['deploy-fate']!.metrics).toEqual({ fate: 4, v2Steps: 0 });
    // the adapter says so instead of waiting for the case's timeout
    expect(outcomeOf(c.runDir)).toEqual({
      status: 'failed',
      error: expect.stringMatching(
        /^stranded: DBOS workflow \S+ stays PENDING on application version ordeal-agent-1, and the workers run ordeal-agent-2-extra-step: DBOS recovers only the workflows of its own application version/,
      ),
    });
    expect(workerLog(c.runDir)).toContain('No workflows to recover from application version ordeal-agent-2-extra-step');
    expect(refundEntries(c.runDir)).toEqual([]);
  });

  it("one application version pinned for both: an extra step fails the run with DBOS's DBOSUnexpectedStepError; a changed argument runs on the old checkpoints unnoticed", async () => {
    const step = await deploy('extra-step', 'applicationVersion=1.0.0');
    expect(step.code).toBe(1);
    expect(failures(step.c)).toMatchObject({ 'deploy-fate': ['deploy-non-determinism'], completion: ['failed'] });
    expect(step.c.checks['deploy-fate']!.anomalies[0]!.message).toMatch(
      /did not survive the deploy of version 2 \(change extra-step\) at step:3: it failed with a non-determinism error \(DBOSUnexpectedStepError: During execution of workflow \S+ step 1, function tool:read_resource was recorded when audit was expected/,
    );
    // version 2's worker recovered the run (the same version), and its replay met the recorded step at the audit's function id
    expect(workerLog(step.c.runDir)).toContain('Recovering 1 workflows from application version 1.0.0');
    expect(refundEntries(step.c.runDir)).toEqual([]);

    const arg = await deploy('changed-arg', 'applicationVersion=1.0.0');
    expect([arg.code, failures(arg.c)]).toEqual([1, { 'deploy-fate': ['deploy-new-code-on-old-state'] }]);
    // the run completes with the refund once; version 2's tool steps (the refund's and the email's) ran on it
    expect(v2Probes(history(arg.c.runDir))).toEqual(['worker#2', 'worker#2']);
    expect(refundEntries(arg.c.runDir).map((e) => e.outcome)).toEqual(['applied']);
  });

  it("versioning=on: DBOS.patch() says false for the run version 1 began, which finishes on version 1's path", async () => {
    const { code, c } = await deploy('extra-step', 'versioning=on');
    expect([code, failures(c)]).toEqual([0, {}]);
    expect(verdict(c.runDir).checks['deploy-fate']!.metrics).toEqual({ fate: 0, v2Steps: 0 });
    const ops = history(c.runDir);
    // both versions run as DBOS's PATCHING_ENABLED: version 2's worker recovered the run and made the refund, no audit step
    expect(workerLog(c.runDir)).toContain('Recovering 1 workflows from application version PATCHING_ENABLED');
    expect(ops.filter((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042').map((o) => o.process)).toEqual([
      'worker#2',
    ]);
    expect(v2Probes(ops)).toEqual([]);
  });

  it("blue-green: version 2's process beside version 1's, which keeps the run, recovers it after a kill, and finishes it on version 1", async () => {
    const { c } = await expectBlueGreenKeepsVersion1(['--adapter', 'dbos']);
    // version 2's launch recovers nothing; version 1's restarted process recovers the run (a version of its own each)
    const log = workerLog(c.runDir);
    expect(log).toContain('No workflows to recover from application version ordeal-agent-2-extra-step');
    expect(log).toContain('Recovering 1 workflows from application version ordeal-agent-1');
  });
});
