/** deploy on Dapr Agents' DurableAgent (daprd 1.18): version 2 under a run in flight, with and without Dapr's patching. */
import { describe, expect, it } from 'vitest';
import { engineInstalled, history, ledger, runOne, verdict, type HistoryOp, failures, type Judged } from '../helpers/run-folder.js';

/** The failing checkers of a case with their anomaly kinds. */

const runtime = engineInstalled('daprd');
const venv = engineInstalled('dapr-agents');
const installed = runtime.installed && venv.installed;
const skipReason = [runtime, venv]
  .filter((e) => !e.installed)
  .map((e) => e.skipReason)
  .join('; ');

/** refund-agent with version 2 rolled out once the first tool call's result is journaled (its read_resource). */
const deploy = (change: string, versioning: 'off' | 'on') =>
  runOne<Judged>([
    '--adapter',
    'dapr-agents',
    '--scenario',
    'refund-agent',
    '--fault',
    `deploy@step:3,change=${change}`,
    '--opt',
    `versioning=${versioning}`,
  ]);
const outcomeOf = (dir: string) => history(dir).find((o) => o.f === 'outcome')!.value as { status: string; error?: string };
const applied = (dir: string) =>
  ledger(dir)
    .filter((e) => e.outcome === 'applied')
    .map((e) => e.effect);
const probes = (ops: HistoryOp[], point: string) => ops.filter((o) => o.f === 'probe' && o.value.point === point);
/** Where version 2's code ran live: `process change step` of each deploy:v2 probe. */
const v2Runs = (ops: HistoryOp[]) =>
  probes(ops, 'deploy:v2').map((o) => `${o.process} ${String((o.value.detail as { change: string }).change)} ${String(o.value.step)}`);

describe.skipIf(!installed)(`deploy on Dapr Agents' DurableAgent${installed ? '' : ` — skipped: ${skipReason}`}`, () => {
  it("an extra activity fails the run in flight on the SDK's history mismatch; with versioning=on, ctx.is_patched() keeps version 1's path", async () => {
    const plain = await deploy('extra-step', 'off');
    expect([plain.code, failures(plain.c)]).toEqual([
      1,
      {
        completion: ['failed'],
        'exactly-once-effects': ['lost', 'lost'],
        recovery: ['no-recovery'],
        'deploy-fate': ['deploy-non-determinism'],
      },
    ]);
    // replayed, version 2's workflow asked for its audit where the history has the read_resource tool call: the
    // workflow is FAILED at once (not retried, not stuck), and the adapter reports the SDK's error
    expect(outcomeOf(plain.c.runDir)).toEqual({
      status: 'failed',
      error: expect.stringMatching(
        /^NonDeterminismError: Failed to restore orchestration state due to a history mismatch: A previous execution called call_activity with name='dapr\.agents\.ordeal-agent\.run_tool' and sequence number 3, but the current execution is instead trying to call dapr\.agents\.ordeal-agent\.audit/,
      ),
    });
    expect(plain.c.checks['deploy-fate']!.anomalies[0]!.message).toMatch(/did not survive the deploy of version 2 \(change extra-step\) at step:3/);
    // the audit never ran (only replayed code asked for it), and nothing after the deploy reached the world
    expect(v2Runs(history(plain.c.runDir))).toEqual([]);
    expect(applied(plain.c.runDir)).toEqual([]);

    const versioned = await deploy('extra-step', 'on');
    expect([versioned.code, failures(versioned.c)]).toEqual([0, {}]);
    expect(verdict(versioned.c.runDir).checks['deploy-fate']!.metrics).toEqual({ fate: 0, v2Steps: 0 });
    const ops = history(versioned.c.runDir);
    // version 2's app finished the run, on version 1's path: no audit, the refund and the email once
    expect(v2Runs(ops)).toEqual([]);
    expect(ops.filter((o) => o.f === 'effect' && o.type === 'invoke').map((o) => o.process)).toEqual(['worker#2', 'worker#2']);
    expect(applied(versioned.c.runDir)).toEqual(['refund:order-1042', 'email:refund-1042']);
    expect(outcomeOf(versioned.c.runDir).status).toBe('completed');
  });

  it('a hook that changes the arguments of the tool calls runs on the run in flight unnoticed; with versioning=on the hook is told to keep out', async () => {
    const plain = await deploy('changed-arg', 'off');
    // every effect once: only deploy-fate sees version 2's code on the state version 1 left
    expect([plain.code, failures(plain.c)]).toEqual([1, { 'deploy-fate': ['deploy-new-code-on-old-state'] }]);
    const ops = history(plain.c.runDir);
    // the Mutate decision reached the run_tool activities scheduled after the deploy: the refund's and the email's
    const tools = probes(ops, 'tool:before')
      .filter((o) => o.process === 'worker#2')
      .map((o) => `worker#2 changed-arg ${String(o.value.step)}`);
    expect(v2Runs(ops)).toEqual(tools);
    expect(tools).toHaveLength(2);
    // the tool took the argument out: the world saw the model's arguments
    expect(ledger(plain.c.runDir).map((e) => [e.effect, e.outcome, Object.keys((e as { args?: object }).args ?? {})])).toEqual([
      ['refund:order-1042', 'applied', ['order', 'amount', 'currency']],
      ['email:refund-1042', 'applied', ['to', 'subject', 'body']],
    ]);

    const versioned = await deploy('changed-arg', 'on');
    expect([versioned.code, failures(versioned.c)]).toEqual([0, {}]);
    expect(v2Runs(history(versioned.c.runDir))).toEqual([]);
    expect(applied(versioned.c.runDir)).toEqual(['refund:order-1042', 'email:refund-1042']);
  });

  it("a new system prompt reaches every later model call, with or without versioning: call_llm is an activity, out of the patch's reach", async () => {
    for (const versioning of ['off', 'on'] as const) {
      const { code, c } = await deploy('system-prompt', versioning);
      expect([code, failures(c)], versioning).toEqual([1, { 'deploy-fate': ['deploy-new-code-on-old-state'] }]);
      const ops = history(c.runDir);
      // each call_llm version 2's app ran built its messages from version 2's prompt
      const calls = probes(ops, 'llm:before')
        .filter((o) => o.process === 'worker#2')
        .map((o) => `worker#2 system-prompt ${String(o.value.step)}`);
      expect(calls.length, versioning).toBeGreaterThan(0);
      expect(v2Runs(ops), versioning).toEqual(calls);
      expect(applied(c.runDir), versioning).toEqual(['refund:order-1042', 'email:refund-1042']);
    }
  });
});
