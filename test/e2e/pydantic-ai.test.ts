// The pydantic-ai adapter: a Pydantic AI agent (Python) made durable by its TemporalDurability capability, on the real
// Temporal dev server. Every model request and tool call is an activity; the approval is a signal the workflow awaits.
import { describe, expect, it } from 'vitest';
import { standardSchedules } from '../../harness/faults/index.js';
import { resolveScenario } from '../../harness/scenario/index.js';
import { ordeal, tempDir } from '../helpers/cli.js';
import { expectBlueGreenKeepsVersion1 } from '../helpers/deploy.js';
import { crashLoopOnRefund, expectRefundDeduplicated, expectRefundTwice } from '../helpers/refund.js';
import { engineInstalled, history, refundEntries, runOne, verdict, type Case, failures, type Judged } from '../helpers/run-folder.js';

const temporal = engineInstalled('temporal');
const python = engineInstalled('pydantic-ai');
const installed = temporal.installed && python.installed;
const skipReason = [temporal, python].find((e) => !e.installed)?.skipReason ?? '';
if (!installed) console.warn(`pydantic-ai e2e skipped: ${skipReason}`);

/** A lost attempt is retried once its start-to-close expires (the activities do not heartbeat), and a killed worker's sticky queue is given up after stickyMs: 3 s and 2 s keep a kill to seconds. */
const fast = ['--adapter', 'pydantic-ai', '--opt', 'startToCloseMs=3000', '--opt', 'stickyMs=2000'];
const run = (args: string[]) => runOne([...fast, ...args]);
const label = (s: { fault: string; at: string }[]) => s.map((f) => `${f.fault}@${f.at}`).join('+');

/** Where version 2's code ran live on the run: the `deploy:v2` probes, by worker and change. */
const v2Probes = (dir: string) =>
  history(dir)
    .filter((o) => o.f === 'probe' && o.value.point === 'deploy:v2')
    .map((o) => `${o.process} ${(o.value.detail as { change: string }).change}`);

describe.skipIf(!installed)(`ordeal run --adapter pydantic-ai on the Temporal dev server${installed ? '' : ` — skipped: ${skipReason}`}`, () => {
  it('runs refund-agent and coding-agent valid under the standard faults, the effects keyed by workflow id and activity id', async () => {
    const r = await ordeal(['run', ...fast, '--scenario', 'refund-agent', '--scenario', 'coding-agent', '--json', '--out', tempDir()]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const cases = (JSON.parse(r.stdout) as { cases: (Case & { scenario: string; schedule: { fault: string; at: string }[] })[] }).cases;
    // an engine: the standard schedules with kill-engine, for both scenarios
    const expected = ['refund-agent', 'coding-agent'].flatMap((n) => standardSchedules(resolveScenario(n), true).map((s) => `${n} ${label(s)}`));
    expect(cases.map((c) => `${c.scenario} ${label(c.schedule)}`).sort()).toEqual(expected.sort());
    expect(cases.filter((c) => !c.valid).map((c) => `${c.scenario} ${label(c.schedule)}`)).toEqual([]);
    const afterEffect = cases.find((c) => c.scenario === 'refund-agent' && label(c.schedule) === 'kill-worker@after-effect:1')!;
    // the restarted worker ran the refund's activity again, under the key of the same activity
    const key = expectRefundDeduplicated(afterEffect, /^\d{8}T\d{6}Z-refund-agent-pydantic-ai-[0-9a-f]+:\d+$/);
    expect(key.startsWith(`${afterEffect.runDir.split('/').pop()}:`)).toBe(true);
    const refundsBy = history(afterEffect.runDir)
      .filter((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042')
      .map((o) => o.process);
    expect(refundsBy).toEqual(['worker#1', 'worker#2']);
    // the model request killed in flight ran again on the restarted worker: the same activity, its second attempt
    const llmKill = cases.find((c) => c.scenario === 'refund-agent' && label(c.schedule) === 'kill-worker@llm-call:2')!;
    const asks = history(llmKill.runDir)
      .filter((o) => o.f === 'probe' && o.value.point === 'llm:before')
      .map((o) => [o.process, o.value.step, o.value.attempt]);
    const killedStep = asks.filter((a) => a[0] === 'worker#1').at(-1)![1];
    expect(asks).toContainEqual(['worker#2', killedStep, 2]);
    // the human was asked once by the workflow's own approval id, across the kill of the worker and of the server
    for (const at of ['kill-worker@approval:waiting', 'kill-engine@approval:waiting']) {
      const c = cases.find((x) => x.scenario === 'coding-agent' && label(x.schedule) === at)!;
      const asked = history(c.runDir).filter((o) => o.f === 'approval' && o.value.event === 'requested');
      expect(
        asked.map((o) => o.value.id),
        at,
      ).toEqual([`${c.runDir.split('/').pop()}:approval:1`]);
      expect(history(c.runDir).find((o) => o.f === 'outcome')?.value.status, at).toBe('completed');
    }
  }, 600_000);

  it('refunds twice when the worker dies after the refund and tools send no idempotency key: Temporal retries the activity', async () => {
    const { code, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'none']);
    expect(code).toBe(1);
    expectRefundTwice(c);
  });

  it('takes a decision delivered twice while the run goes on once, and a rejection reaches the careful agent, which does not refund', async () => {
    // gapMs=0: the second signal right after the first, so it reaches the workflow while it runs (not after its end)
    const twice = await run(['--scenario', 'refund-agent', '--fault', 'human-twice@approval:waiting,gapMs=0']);
    expect(twice.code).toBe(0);
    expect(refundEntries(twice.c.runDir).map((e) => e.outcome)).toEqual(['applied']);
    const ops = history(twice.c.runDir);
    const second = ops.findIndex((o) => o.f === 'approval' && o.type === 'ok' && o.value.delivery === 2);
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThan(ops.findIndex((o) => o.f === 'outcome'));
    const rejected = await run(['--scenario', 'refund-agent-careful', '--fault', 'human-reject@approval:waiting']);
    expect(rejected.code).toBe(0);
    expect(refundEntries(rejected.c.runDir)).toEqual([]);
  });

  it("deploy: a step added or an activity renamed hits Temporal's non-determinism error; a changed argument or prompt runs on old state", async () => {
    const fate: Record<string, { code: number | null; c: Judged }> = {};
    for (const change of ['extra-step', 'rename-tool', 'changed-arg', 'system-prompt'])
      fate[change] = await runOne<Judged>([...fast, '--scenario', 'refund-agent', '--fault', `deploy@step:3,change=${change}`]);
    for (const [change, activity] of [
      ['extra-step', 'ordeal_audit'],
      ['rename-tool', 'agent__ordeal__toolset__tools_v2__call_tool'],
    ] as const) {
      const { code, c } = fate[change]!;
      expect([code, failures(c)['deploy-fate']], change).toEqual([1, ['deploy-non-determinism']]);
      // the workflow is stuck RUNNING, its workflow task failing on replay; nothing after the deploy reached the world
      expect(history(c.runDir).find((o) => o.f === 'outcome')!.value.error, change).toMatch(
        new RegExp(
          `stays RUNNING.*TMPRL1100.*scheduled event 'agent__ordeal__toolset__tools__call_tool' does not match activity type of activity command '${activity}'`,
        ),
      );
      expect(refundEntries(c.runDir), change).toEqual([]);
    }
    for (const change of ['changed-arg', 'system-prompt']) {
      const { code, c } = fate[change]!;
      // every effect once; only deploy-fate sees version 2's code on the state version 1 left
      expect([code, failures(c)], change).toEqual([1, { 'deploy-fate': ['deploy-new-code-on-old-state'] }]);
      expect(
        refundEntries(c.runDir).map((e) => e.outcome),
        change,
      ).toEqual(['applied']);
      expect(new Set(v2Probes(c.runDir)), change).toEqual(new Set([`worker#2 ${change}`]));
    }
  }, 300_000);

  it('deploy with versioning=on: workflow.patched() keeps the run begun on version 1 on its path, even with the tools moved to a new activity', async () => {
    for (const change of ['extra-step', 'rename-tool']) {
      const { code, c } = await runOne<Judged>([
        ...fast,
        '--opt',
        'versioning=on',
        '--scenario',
        'refund-agent',
        '--fault',
        `deploy@step:3,change=${change}`,
      ]);
      expect([code, failures(c)], change).toEqual([0, {}]);
      expect(verdict(c.runDir).checks['deploy-fate']!.metrics, change).toEqual({ fate: 0, v2Steps: 0 });
      // version 2's worker finished the run on version 1's path: the refund from worker#2, no code of version 2 ran
      const refunds = history(c.runDir).filter((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042');
      expect(
        refunds.map((o) => o.process),
        change,
      ).toEqual(['worker#2']);
      expect(v2Probes(c.runDir), change).toEqual([]);
    }
  }, 300_000);

  it("blue-green with Worker Versioning (pinned): version 2 beside version 1, and after a kill version 1's worker finishes the run pinned to it", async () => {
    // version 2 is up and current before the run goes on (the human answers late), and the kill comes after
    await expectBlueGreenKeepsVersion1([...fast, '--opt', 'workerVersioning=pinned'], ['human-late@approval:waiting,ms=4000']);
  });

  it('counts a crashed activity attempt against maxAttempts: three crashes spend maxAttempts=3 and the run fails, as the policy says', async () => {
    const r = await ordeal([
      'run',
      ...fast,
      '--opt',
      'maxAttempts=3',
      '--scenario',
      'refund-agent',
      '--fault',
      'crash-loop@before-effect:1,times=3',
      '--json',
      '--out',
      tempDir(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const c = (JSON.parse(r.stdout) as { cases: Case[] }).cases[0]!;
    expect(crashLoopOnRefund(c.runDir)).toEqual({ attempts: 3, kills: 3, status: 'failed', applied: 0, attemptsMetric: 3 });
  }, 120_000);
});
