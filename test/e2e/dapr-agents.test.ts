// Dapr Agents' DurableAgent (Python) on daprd 1.18 + placement + scheduler: what ordeal shows, and the reproductions of
// dapr-agents #193 (sidecar stopped mid-tool) and #197 (an app restart starts a second workflow).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineInstalled, history, ledger, runOne } from '../helpers/run-folder.js';
import { expectRefundDeduplicated, expectRefundTwice, expectRetriedBeyondPolicy } from '../helpers/refund.js';
import { root } from '../helpers/cli.js';
import { clockJumpArgs, expectClockJumped } from '../helpers/clock.js';
import { faketimePreload } from '../../harness/engines/faketime.js';
import { enginesRoot } from '../../harness/engines/index.js';

interface Case {
  valid: boolean;
  runDir: string;
  checks: Record<string, { valid: boolean; anomalies: { kind: string; message: string }[] }>;
}

const runtime = engineInstalled('daprd');
const venv = engineInstalled('dapr-agents');
const installed = runtime.installed && venv.installed;
const skewable = faketimePreload(enginesRoot(root)) !== undefined;
const skipReason = [runtime, venv]
  .filter((e) => !e.installed)
  .map((e) => e.skipReason)
  .join('; ');
const run = (args: string[]) => runOne<Case>(['--adapter', 'dapr-agents', ...args]);
const refundKill = ['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1'];

const starts = (dir: string, role: string) =>
  history(dir)
    .filter((o) => o.process.startsWith(`${role}#`) && o.f === 'start')
    .map((o) => String(o.value.command));
const outcome = (dir: string) => history(dir).find((o) => o.f === 'outcome')!.value as { status: string; answer?: string };
const applied = (dir: string) =>
  ledger(dir)
    .filter((e) => e.outcome === 'applied')
    .map((e) => e.effect);

describe.skipIf(!installed)(`ordeal run --adapter dapr-agents (DurableAgent on daprd 1.18)${installed ? '' : ` — skipped: ${skipReason}`}`, () => {
  it('refunds twice when the agent app dies after the refund and tools send no idempotency key', async () => {
    const { code, stderr, c } = await run([...refundKill, '--idempotency', 'none']);
    expect(code, stderr).toBe(1);
    expectRefundTwice(c);
    expect(starts(c.runDir, 'engine')[0]).toMatch(
      /\/daprd\/bin\/daprd .*--placement-host-address 127\.0\.0\.1:\d+ --scheduler-host-address 127\.0\.0\.1:\d+/,
    );
    expect(starts(c.runDir, 'worker')).toHaveLength(2);
  });

  it('deduplicates the re-run refund activity by the workflow instance id and the activity task id', async () => {
    const { code, stderr, c } = await run([...refundKill, '--idempotency', 'framework']);
    expect(code, stderr).toBe(0);
    const runId = c.runDir.split('/').at(-1)!;
    expectRefundDeduplicated(c, new RegExp(`^dapr-agents:${runId}:\\d+$`));
    expect(outcome(c.runDir).status).toBe('completed');
  });

  it.skipIf(!skewable)('clock-jump: the Python worker keeps sleeping and working, and the commands it runs see the clock an hour ahead', async () => {
    // under a bare libfaketime 0.9.10 its first time.sleep failed with EINVAL and the run never started (monotonic-sleep.c)
    const { code, stderr, c } = await run(clockJumpArgs);
    expect(code, stderr).toBe(0);
    expectClockJumped(c.runDir);
  });

  for (const target of ['daprd', 'placement', 'scheduler'] as const) {
    it(`completes the approval after kill-engine target=${target} while the workflow waits for the human`, async () => {
      const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', `kill-engine@approval:waiting,target=${target}`]);
      expect(code, stderr).toBe(0);
      const role = target === 'daprd' ? 'engine' : target;
      const restarted = starts(c.runDir, role);
      expect(restarted).toHaveLength(2);
      expect(restarted[1]).toBe(restarted[0]); // the same ports and the same SQLite files / etcd data directory
      for (const other of ['engine', 'placement', 'scheduler'].filter((r) => r !== role)) expect(starts(c.runDir, other)).toHaveLength(1);
      expect(applied(c.runDir)).toEqual(['refund:order-1042', 'email:refund-1042']);
    });
  }

  it("re-dispatches a tool activity that crashed the app past DurableAgent's retry policy of 3 attempts (dapr/dapr #9744's shape)", async () => {
    const { c } = await run(['--scenario', 'refund-agent', '--fault', 'crash-loop@before-effect:1,times=3']);
    expectRetriedBeyondPolicy(c, 3);
  });

  it('#197: an app that starts its run itself starts a second workflow after a restart, and the refund goes out twice under two keys', async () => {
    const { code, stderr, c } = await run([...refundKill, '--idempotency', 'framework', '--opt', 'start=app']);
    expect(code, stderr).toBe(1);
    const instances = readFileSync(join(c.runDir, 'data', 'instances.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(instances).toHaveLength(2);
    const refunds = ledger(c.runDir).filter((e) => e.effect === 'refund:order-1042' && e.outcome === 'applied');
    expect(refunds).toHaveLength(2);
    // each workflow keys its refund by its own instance id: framework keys cannot tell the two runs are one
    expect(new Set(refunds.map((e) => e.key!.split(':')[1])).size).toBe(2);
    expect(c.checks['exactly-once-effects']!.anomalies.map((a) => a.kind)).toContain('duplicate');
  });

  it('#193: daprd SIGKILLed while a tool runs: the agent does not fail, the activity runs again (the build again, the ticket once)', async () => {
    const scenario = join(root, 'adapters/dapr-agents/scenarios/sidecar-stopped-mid-tool.json');
    const { code, stderr, c } = await run(['--scenario', scenario, '--fault', 'kill-engine@shell:1', '--idempotency', 'framework']);
    expect(code, stderr).toBe(1);
    expect(outcome(c.runDir).status).toBe('completed');
    // the build runs to its end in the worker, and again after daprd's restart (the runs may overlap: the build takes
    // 2 s, about as long as daprd's restart); now and then the restarted daprd dispatches the unfinished activity
    // twice at once (dapr/dapr #9903's shape: see the README), and it runs three times
    const build = readFileSync(join(c.runDir, 'workspace', 'build.log'), 'utf8')
      .trim()
      .split('\n');
    expect(build[0]).toBe('build-started');
    const runs = build.filter((l) => l === 'build-started').length;
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(build.filter((l) => l === 'build-finished')).toHaveLength(runs);
    const shellStarts = history(c.runDir).filter(
      (o) => o.f === 'probe' && o.value.point === 'tool:before' && (o.value.detail as { name?: string } | undefined)?.name === 'shell',
    );
    expect(shellStarts).toHaveLength(runs);
    expect(c.checks['workspace-integrity']!.valid).toBe(false);
    // the ticket update beside it ran at once: re-sent (deduplicated by its key) when its completion had not reached daprd yet
    const tickets = ledger(c.runDir);
    expect(tickets.filter((e) => e.outcome === 'applied')).toHaveLength(1);
    expect(tickets.every((e) => e.outcome !== 'applied' || e === tickets[0])).toBe(true);
    expect(new Set(tickets.map((e) => e.key)).size).toBe(1);
    expect(history(c.runDir).some((o) => o.process === 'engine#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
  });
});
