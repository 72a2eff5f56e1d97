import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { enginesRoot, installEngines } from '../../harness/engines/index.js';
import { ordeal, root, tempDir } from '../helpers/cli.js';
import { crashLoopOnRefund, expectRefundDeduplicated, expectRefundTwice } from '../helpers/refund.js';
import { history, refundEntries, runOne } from '../helpers/run-folder.js';
import Database from 'better-sqlite3';

interface Case {
  scenario: string;
  schedule: { fault: string; at: string }[];
  valid: boolean;
  runDir: string;
  checks: Record<string, { valid: boolean; anomalies: { kind: string }[] }>;
}

// The adapter's defaults: a lost task is retried once its 10 s response timeout has passed, at the workers' next request
// for a decision (every 2 s; adapters/conductor/README.md).
const fast = ['run', '--adapter', 'conductor', '--json'];

describe('ordeal run --adapter conductor on the real Conductor OSS server', () => {
  beforeAll(async () => {
    // cached in .engines/: a no-op once the pinned version is there
    const [res] = await installEngines(['conductor'], { root: enginesRoot(root) });
    expect(res?.status, res?.error).not.toBe('failed');
  }, 900_000);

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
    // Conductor retried the task once its response timeout passed: the retry (attempt 2) ran on the restarted worker.
    const retry = history(c.runDir).find((o) => o.f === 'probe' && o.value.point === 'tool:before' && o.value.attempt === 2);
    expect(retry?.process).toBe('worker#2');
  }, 600_000);

  // Two of refund-agent's standard faults (the whole matrix, measured: adapters/conductor/README.md): each case starts its
  // own JVM server.
  const one = async (fault: string): Promise<Case> => {
    const r = await ordeal([...fast, '--scenario', 'refund-agent', '--fault', fault, '--out', tempDir()]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return (JSON.parse(r.stdout) as { cases: Case[] }).cases[0]!;
  };

  it('counts a task attempt whose worker crashed against retryCount: with retryCount=1 two crashes fail the workflow, as the policy says', async () => {
    const r = await ordeal([
      ...fast,
      '--opt',
      'retryCount=1',
      '--scenario',
      'refund-agent',
      '--fault',
      'crash-loop@before-effect:1,times=2',
      '--out',
      tempDir(),
    ]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const c = (JSON.parse(r.stdout) as { cases: Case[] }).cases[0]!;
    expect(crashLoopOnRefund(c.runDir)).toEqual({ attempts: 2, kills: 2, status: 'failed', applied: 0, attemptsMetric: 2 });
  }, 600_000);

  it('deduplicates the retried refund with a key from the workflow id, the task reference and the loop iteration', async () => {
    const afterEffect = await one('kill-worker@after-effect:1');
    const workflowId = history(afterEffect.runDir).find((o) => o.f === 'submit' && o.type === 'ok')?.value.handle as string;
    expectRefundDeduplicated(afterEffect, new RegExp(`^${workflowId}/tool_\\d+_0_0__\\d+/\\d+$`));
  }, 600_000);

  // Netflix/conductor #1851 (open): a forked task that failed with retries left sometimes fails the workflow. Seen in
  // about 1 run in 4 here, so the test takes either branch and checks each for what it is.
  it("retries a shell task that failed once, or now and then fails the workflow from a system-task worker's decide (Netflix/conductor #1851)", async () => {
    const r = await ordeal([...fast, '--scenario', 'flaky-shell-idempotent', '--fault', 'partial-shell@shell:1,k=2', '--out', tempDir()]);
    expect([0, 1], r.stderr).toContain(r.code);
    const c = (JSON.parse(r.stdout) as { cases: Case[] }).cases[0]!;
    const ops = history(c.runDir);
    const commands = ops.filter((o) => o.f === 'probe' && o.value.point === 'shell:before');
    const outcome = ops.find((o) => o.f === 'outcome')?.value as { status: string; error?: string };
    if (c.valid) {
      expect(commands).toHaveLength(2); // the half-done command, then its retry, which completes the idempotent edit
      expect(outcome.status).toBe('completed');
    } else {
      expect(commands).toHaveLength(1); // retryCount 10, and not one retry
      expect(outcome).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/failed with status: FAILED and reason: 'shell command exited 97/),
      });
      expect(readFileSync(join(c.runDir, 'logs', 'engine.log'), 'utf8')).toMatch(
        /TerminateWorkflowException[^]*?at com\.netflix\.conductor\.core\.execution\.DeciderService\.retry/,
      );
    }
  }, 600_000);

  it('finishes after the server is SIGKILLed while the agent waits for the human, on the same port and SQLite file', async () => {
    const engine = await one('kill-engine@approval:waiting');
    const ops = history(engine.runDir);
    expect(ops.some((o) => o.process === 'engine#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
    expect(ops.some((o) => o.process === 'engine#2' && o.f === 'start')).toBe(true);
    expect(ops.find((o) => o.f === 'outcome')?.value.status).toBe('completed');
    expect(ops.filter((o) => o.f === 'approval' && o.type === 'ok' && o.value.event === 'delivered')).toHaveLength(1);
    expect(refundEntries(engine.runDir).map((e) => e.outcome)).toEqual(['applied']);
    const starts = ops.filter((o) => o.f === 'start' && o.process.startsWith('engine#')).map((o) => String(o.value.command));
    expect(starts[1]).toBe(starts[0]);
    expect(starts[0]).toContain(`jdbc:sqlite:${join(engine.runDir, 'data')}`);
  }, 600_000);

  it('deploy: the run in flight keeps workflow definition version 1 (no audit step), while a renamed or changed tool task is data the new worker writes into it', async () => {
    const deployed = async (change: string) =>
      (await runOne<Case>(['--adapter', 'conductor', '--scenario', 'refund-agent', '--fault', `deploy@step:3,change=${change}`])).c;
    const v2Probes = (dir: string) => history(dir).filter((o) => o.f === 'probe' && o.value.point === 'deploy:v2');
    const failed = (c: Case) => Object.entries(c.checks).flatMap(([n, r]) => (r.valid ? [] : r.anomalies.map((a) => `${n}: ${a.kind}`)));

    // version 2 registered definition version 2 (with the audit task); the workflow in flight kept the one it started with
    const extra = await deployed('extra-step');
    expect([extra.valid, failed(extra), v2Probes(extra.runDir)]).toEqual([true, [], []]);
    const db = new Database(join(extra.runDir, 'data/conductor/conductor.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT version FROM meta_workflow_def WHERE name = 'ordeal_agent' ORDER BY version").all()).toEqual([
        { version: 1 },
        { version: 2 },
      ]);
      const runs = db.prepare('SELECT json_data FROM workflow').all() as { json_data: string }[];
      expect(runs.map((r) => (JSON.parse(r.json_data) as { workflowVersion: number }).workflowVersion)).toEqual([1]);
    } finally {
      db.close();
    }
    expect(refundEntries(extra.runDir).map((e) => e.outcome)).toEqual(['applied']);

    // the fork's task names and inputs come from the model task: version 2's worker writes its own into the old run
    for (const change of ['rename-tool', 'changed-arg']) {
      const c = await deployed(change);
      expect(failed(c), change).toEqual(['deploy-fate: deploy-new-code-on-old-state']);
      expect(new Set(v2Probes(c.runDir).map((o) => o.process)), change).toEqual(new Set(['worker#2']));
      expect(
        refundEntries(c.runDir).map((e) => e.outcome),
        change,
      ).toEqual(['applied']);
    }

    // the conversation is the workflow's state: the run keeps version 1's prompt
    const prompt = await deployed('system-prompt');
    expect([prompt.valid, v2Probes(prompt.runDir)]).toEqual([true, []]);
  }, 300_000);
});
