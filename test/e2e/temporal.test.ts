import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporalAdapter } from '../../adapters/temporal/adapter.js';
import { temporalEngine } from '../../adapters/temporal/engine.js';
import type { AdapterContext } from '../../harness/run/adapter.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { installEngines, enginesRoot } from '../../harness/engines/index.js';
import { standardSchedules } from '../../harness/faults/index.js';
import { resolveScenario } from '../../harness/scenario/index.js';
import { ordeal, root, tempDir } from '../helpers/cli.js';
import { history, lines, refundEntries, type Span } from '../helpers/run-folder.js';
import { crashLoopOnRefund, expectRefundDeduplicated, expectRefundTwice } from '../helpers/refund.js';

interface Case {
  scenario: string;
  schedule: { fault: string; at: string }[];
  valid: boolean;
  runDir: string;
  checks: Record<string, { valid: boolean; anomalies: { kind: string }[] }>;
}

const refunds = refundEntries;
// A 2 s heartbeat timeout keeps each kill-worker case to seconds instead of the default's ~11 s (adapters/temporal/README.md).
const fast = ['run', '--adapter', 'temporal', '--opt', 'heartbeatMs=2000', '--json'];

describe('ordeal run --adapter temporal on the real Temporal dev server', () => {
  beforeAll(async () => {
    // cached in .engines/: a no-op once the pinned version is there
    const [res] = await installEngines(['temporal'], { root: enginesRoot(root) });
    expect(res?.status, res?.error).not.toBe('failed');
  }, 300_000);

  it('closes its client only once a request still retrying against a dead server has settled (a retry on a closed channel throws from its timer)', async () => {
    const ctx = { dataDir: tempDir() } as unknown as AdapterContext;
    const { command, args, handle } = await temporalEngine.command(ctx, undefined);
    const server = spawn(command, args, { stdio: 'ignore' });
    try {
      await temporalEngine.ready(ctx, handle, 60_000);
      const adapter = temporalAdapter();
      const at = { engine: handle } as unknown as AdapterContext;
      expect((await adapter.outcome(at, { id: 'no-such-run' })).status).toBe('running');
      server.kill('SIGKILL');
      await once(server, 'exit');
      // the client retries this request from a timer while the server is gone; the case ends meanwhile
      const polled = adapter.outcome(at, { id: 'no-such-run' }).then(
        () => 'answered',
        () => 'failed',
      );
      await adapter.close?.();
      expect(await polled).toBe('failed');
      // had close() shut the channel under it, the next retry would have thrown "Channel has been shut down" from its
      // timer: an uncaught exception, which fails this file, and which took an orchestrator running cases down
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      server.kill('SIGKILL');
    }
  }, 90_000);

  it('duplicates the refund when the worker dies after the effect and tools send no idempotency key', async () => {
    const r = await ordeal([
      ...fast,
      '--scenario',
      'refund-agent',
      '--fault',
      'kill-worker@after-effect:1',
      '--idempotency',
      'none',
      '--out',
      tempDir(),
    ]);
    expect(r.code, r.stderr).toBe(1);
    const c = (JSON.parse(r.stdout) as { cases: Case[] }).cases[0]!;
    expectRefundTwice(c);
    // Temporal itself retried the activity: the second attempt came from the restarted worker.
    const retry = history(c.runDir).find((o) => o.f === 'probe' && o.value.point === 'tool:before' && o.value.attempt === 2);
    expect(retry?.process).toBe('worker#2');

    // Telemetry: Temporal's interceptor spans and the GenAI step spans of both worker incarnations are in the case's one trace.
    const spans = lines<Span>(c.runDir, 'spans.jsonl');
    const runId = (JSON.parse(readFileSync(join(c.runDir, 'run.json'), 'utf8')) as { id: string }).id;
    const root = spans.find((s) => s.name === 'ordeal.case refund-agent')!;
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([root.traceId]));
    expect(spans.find((s) => s.name === 'RunWorkflow:agentWorkflow')?.parentSpanId).toBe(root.spanId);
    const [first, second] = history(c.runDir)
      .filter((o) => o.f === 'start' && o.process.startsWith('worker#'))
      .map((o) => o.value.pid);
    for (const pid of [first, second]) {
      const mine = spans.filter((s) => s.resource['process.pid'] === pid);
      expect(mine.map((s) => s.name)).toEqual(expect.arrayContaining(['RunActivity:callModel', 'chat ordeal-scripted']));
      expect(mine.every((s) => s.resource['service.name'] === 'ordeal-worker-temporal' && s.resource['ordeal.run_id'] === runId)).toBe(true);
    }
    // the refund redone by the new worker: the activity's attempt on Temporal's RunActivity span and on its execute_tool child
    const refund = spans.find((s) => s.resource['process.pid'] === second && s.name === 'execute_tool refund')!;
    expect(refund.attributes).toMatchObject({ 'gen_ai.tool.name': 'refund', 'ordeal.step': expect.any(Number) });
    expect(refund.attributes['ordeal.attempt']).toBeGreaterThanOrEqual(2);
    const activity = spans.find((s) => s.spanId === refund.parentSpanId)!;
    expect(activity.name).toBe('RunActivity:runToolCall');
    expect(activity.attributes['ordeal.attempt']).toBe(refund.attributes['ordeal.attempt']);
  });

  it('survives every standard fault on refund-agent, deduplicating the retried refund with the activity identity as key', async () => {
    const r = await ordeal([...fast, '--scenario', 'refund-agent', '--out', tempDir()]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const cases = (JSON.parse(r.stdout) as { cases: Case[] }).cases;
    const scheduleText = (schedule: Case['schedule']) => schedule.map((f) => `${f.fault}@${f.at}`).join('+');
    const label = (c: Case) => scheduleText(c.schedule);
    // exactly the standard schedules for a scenario with effects and an approval on an adapter with an engine
    expect(cases.map(label).sort()).toEqual(standardSchedules(resolveScenario('refund-agent'), true).map(scheduleText).sort());
    expect(cases.map(label)).toEqual(expect.arrayContaining(['kill-worker@after-effect:1', 'kill-engine@approval:waiting']));

    const afterEffect = cases.find((c) => label(c) === 'kill-worker@after-effect:1')!;
    const runId = (JSON.parse(readFileSync(join(afterEffect.runDir, 'run.json'), 'utf8')) as { id: string }).id;
    const key = expectRefundDeduplicated(afterEffect, new RegExp(runId)); // workflow id = run id
    // the key the effect sent is on the redone activity's spans too
    const keyed = lines<Span>(afterEffect.runDir, 'spans.jsonl').filter((s) => s.attributes['ordeal.idempotency_key'] === key);
    expect([...new Set(keyed.map((s) => s.name))].sort()).toEqual(['RunActivity:runToolCall', 'execute_tool refund']);

    // The server was SIGKILLed while the agent waited for the human, restarted on its SQLite file, and the run finished.
    const engine = cases.find((c) => label(c) === 'kill-engine@approval:waiting')!;
    const ops = history(engine.runDir);
    expect(ops.some((o) => o.process === 'engine#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
    expect(ops.some((o) => o.process === 'engine#2' && o.f === 'start')).toBe(true);
    expect(ops.find((o) => o.f === 'outcome')?.value.status).toBe('completed');
    expect(refunds(engine.runDir).map((e) => e.outcome)).toEqual(['applied']);
  }, 600_000); // seven cases, each with its own dev server and worker

  it('runs coding-agent without faults: real shell edits in the workspace, the PR and the comment once', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'calm.json'), '[]');
    const r = await ordeal([...fast, '--scenario', 'coding-agent', '--schedule', join(dir, 'calm.json'), '--out', dir]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const c = (JSON.parse(r.stdout) as { cases: Case[] }).cases[0]!;
    expect(readFileSync(join(c.runDir, 'workspace', 'src/math.sh'), 'utf8')).toBe('add() { echo $(( $1 + $2 )); }\n');
    const effects = lines<{ effect: string; outcome: string }>(c.runDir, 'ledger.jsonl').filter((e) => e.outcome === 'applied');
    expect(effects.map((e) => e.effect).sort()).toEqual(['comment:issue-17', 'pr:fix-add']);
  });

  // temporalio/sdk-python #1012: the server does not notice a worker's death; an activity without a heartbeat timeout
  // is given to another worker only when its start-to-close timeout expires.
  it('counts a crashed activity attempt against maximumAttempts: three crashes spend maxAttempts=3 and the workflow fails, as the policy says', async () => {
    const r = await ordeal([
      'run',
      '--adapter',
      'temporal',
      '--opt',
      'heartbeatMs=1000',
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

  it("retries a dead worker's refund only when start-to-close expires without a heartbeat timeout, and before it with one (#1012)", async () => {
    const startToCloseMs = 15_000;
    const killed = async (heartbeatMs: number) => {
      const r = await ordeal([
        'run',
        '--adapter',
        'temporal',
        '--opt',
        `heartbeatMs=${heartbeatMs}`,
        '--opt',
        `startToCloseMs=${startToCloseMs}`,
        '--scenario',
        'refund-agent',
        '--fault',
        'kill-worker@after-effect:1',
        '--json',
        '--out',
        tempDir(),
      ]);
      expect(r.code, r.stderr).toBe(0);
      const h = history((JSON.parse(r.stdout) as { cases: Case[] }).cases[0]!.runDir);
      const kill = h.find((o) => o.process === 'nemesis' && o.f === 'fault' && o.type === 'invoke')!;
      const retry = h.find((o) => o.f === 'probe' && o.value.point === 'tool:before' && o.value.attempt === 2)!;
      expect(retry.process).toBe('worker#2');
      return retry.time - kill.time;
    };
    const [none, oneSecond] = await Promise.all([killed(0), killed(1000)]);
    expect(none).toBeGreaterThanOrEqual(startToCloseMs);
    expect(oneSecond).toBeLessThan(startToCloseMs);
  }, 120_000);
});
