import { describe, expect, it } from 'vitest';
import { deployFate } from '../../../../harness/checks/deploy-fate.js';
import { run } from './fixtures.js';

/** A run with a deploy fired at step:3 (change `change`), then what `then` adds. */
function deployed(change: string, then: (r: ReturnType<typeof run>) => void) {
  const r = run().start().llm(0);
  r.op('fault', 'invoke', { fault: 'deploy', at: 'step:3', change, index: 0 }, 'fault-0', 'nemesis');
  r.op('fault', 'ok', { fault: 'deploy', at: 'step:3', change, index: 0 }, 'fault-0', 'nemesis');
  then(r);
  return deployFate.check(r.build());
}

describe('deploy-fate', () => {
  it('judges nothing without a deploy', () => {
    expect(deployFate.check(run().start().llm(0).build())).toEqual({ valid: true, anomalies: [], metrics: {} });
  });

  it('a run that finished on version 1 kept the old behaviour (valid)', () => {
    const r = deployed('extra-step', (b) => b.effect('refund:order-1042', 'applied').outcome({ status: 'completed', answer: 'ok' }));
    expect(r).toEqual({ valid: true, anomalies: [], metrics: { fate: 0, v2Steps: 0 } });
  });

  it('judges nothing of a run whose first model call came after the deploy: version 2 began it', () => {
    const r = run().start();
    r.op('fault', 'invoke', { fault: 'deploy', at: 't+1ms', change: 'system-prompt', index: 0 }, 'fault-0', 'nemesis');
    r.op('fault', 'ok', { fault: 'deploy', at: 't+1ms', change: 'system-prompt', index: 0 }, 'fault-0', 'nemesis');
    r.op('probe', 'info', { point: 'deploy:v2', detail: { change: 'system-prompt' } }, undefined, 'worker#2');
    r.llm(0).outcome({ status: 'completed', answer: 'ok' });
    expect(deployFate.check(r.build())).toEqual({ valid: true, anomalies: [], metrics: { fate: 0, v2Steps: 0 } });
  });

  it("names a framework's non-determinism error", () => {
    const r = deployed('extra-step', (b) =>
      b.outcome({
        status: 'failed',
        error: "non-determinism: [TMPRL1100] Nondeterminism error: Activity type of scheduled event 'runToolCall' does not match",
      }),
    );
    expect(r.valid).toBe(false);
    expect(r.anomalies[0]!.kind).toBe('deploy-non-determinism');
    expect(r.anomalies[0]!.message).toMatch(/did not survive the deploy of version 2 \(change extra-step\) at step:3.*TMPRL1100/);
    expect(r.metrics.fate).toBe(3);
  });

  it("names DBOS's DBOSUnexpectedStepError (a recorded step that is not the one the code calls) as non-determinism", () => {
    const r = deployed('rename-tool', (b) =>
      b.outcome({
        status: 'failed',
        error:
          'DBOSUnexpectedStepError: During execution of workflow w step 1, function tool:read_resource was recorded when tool.v2:read_resource was expected. Check that your workflow is deterministic.',
      }),
    );
    expect(r).toMatchObject({ valid: false, metrics: { fate: 3 } });
    expect(r.anomalies[0]!.kind).toBe('deploy-non-determinism');
  });

  it('a run that failed or is stuck after the deploy with no non-determinism error is a broken run, whatever version 2 ran', () => {
    const failed = deployed('rename-tool', (b) => {
      b.op('probe', 'info', { point: 'deploy:v2', detail: { change: 'rename-tool' } }, undefined, 'worker#2');
      b.outcome({ status: 'failed', error: "langgraph: thread t has nothing left to run but no final answer: … node 'tools' …" });
    });
    expect(failed).toMatchObject({ valid: false, metrics: { fate: 4, v2Steps: 1 } });
    expect(failed.anomalies[0]!.kind).toBe('deploy-broken-run');
    expect(failed.anomalies[0]!.message).toMatch(
      /did not survive the deploy of version 2 \(change rename-tool\) at step:3: it failed \(langgraph: thread t has nothing left.*\), and no non-determinism error named the change/,
    );
    const stuck = deployed('extra-step', (b) => b.outcome({ status: 'running' }));
    expect(stuck.anomalies[0]!.message).toMatch(/it had not finished when the harness stopped waiting/);
  });

  it("version 2's code running live on the run in flight is new code on old state", () => {
    const r = deployed('system-prompt', (b) => {
      b.op('probe', 'info', { point: 'deploy:v2', detail: { change: 'system-prompt' } }, undefined, 'worker#2');
      b.outcome({ status: 'completed', answer: 'ok' });
    });
    expect(r).toMatchObject({ valid: false, metrics: { fate: 1, v2Steps: 1 } });
    expect(r.anomalies[0]!.message).toMatch(/went on with version 2's code \(1 live step of the change\)/);
  });

  it('an effect applied again after the deploy is duplicated work', () => {
    const r = deployed('changed-arg', (b) => {
      b.effect('refund:order-1042', 'applied', { key: null }).effect('refund:order-1042', 'applied', { key: null });
      b.outcome({ status: 'completed', answer: 'ok' });
    });
    expect(r).toMatchObject({ valid: false, metrics: { fate: 2 } });
    expect(r.anomalies[0]!.message).toMatch(/applied refund:order-1042 2 times/);
  });
});
