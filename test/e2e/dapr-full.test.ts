import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { history, ledger, runOne } from '../helpers/run-folder.js';
import { expectRefundDeduplicated, expectRefundTwice, expectRetriedBeyondPolicy } from '../helpers/refund.js';
import { engines, enginesRoot } from '../../harness/engines/index.js';
import { root } from '../helpers/cli.js';

interface Case {
  valid: boolean;
  runDir: string;
  checks: Record<string, { valid: boolean; anomalies: { kind: string }[] }>;
}

// daprd + placement + scheduler are part of a plain `ordeal engines install` (the test command runs it)
const asked = engines.daprd!.installed(enginesRoot(root));
const skipReason = `daprd ${engines.daprd!.version} is not installed in ${enginesRoot(root)} (run \`ordeal engines install daprd\`)`;

const starts = (dir: string, role: string) =>
  history(dir)
    .filter((o) => o.process.startsWith(`${role}#`) && o.f === 'start')
    .map((o) => String(o.value.command));

const run = (args: string[]) => runOne<Case>(['--adapter', 'dapr', '--opt', 'mode=daprd', ...args]);

describe.skipIf(!asked)(
  `ordeal run --adapter dapr --opt mode=daprd on daprd + placement + scheduler${asked ? '' : ` — skipped: ${skipReason}`}`,
  () => {
    it('repeats the refund when the worker dies after the effect and tools send no idempotency key', async () => {
      const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'none']);
      expect(code, stderr).toBe(1);
      expectRefundTwice(c);
      expect(starts(c.runDir, 'engine')[0]).toMatch(/\/daprd .*--placement-host-address 127\.0\.0\.1:\d+ --scheduler-host-address 127\.0\.0\.1:\d+/);
    });

    it('deduplicates the re-dispatched refund with the workflow instance id and step as key', async () => {
      const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'framework']);
      expect(code, stderr).toBe(0);
      expectRefundDeduplicated(c, /-dapr-[0-9a-f]+:\d+$/);
    });

    it('re-dispatches an activity that crashes its worker without counting the crash, as the sidecar does: a 7th attempt past the 6 (dapr/dapr #9744)', async () => {
      const { c } = await run(['--scenario', 'refund-agent', '--fault', 'crash-loop@before-effect:1,times=6']);
      expectRetriedBeyondPolicy(c, 6);
    });

    it('deploy of an extra step: the workflow fails on the same history mismatch as on the sidecar (daprd has no versioning for it either)', async () => {
      const { code, c } = await run(['--scenario', 'refund-agent', '--fault', 'deploy@step:3,change=extra-step']);
      expect(code).toBe(1);
      expect(c.checks['deploy-fate']!.anomalies.map((a) => a.kind)).toEqual(['deploy-non-determinism']);
      expect(history(c.runDir).find((o) => o.f === 'outcome')!.value.error).toMatch(
        /history mismatch: A previous execution called callActivity with name='tool' and sequence number 2, but the current execution is instead trying to call audit/,
      );
      expect(ledger(c.runDir).filter((e) => e.effect === 'refund:order-1042')).toEqual([]);
    });

    it('resumes the workflow from the SQLite actor state store after daprd is SIGKILLed while the approval is pending', async () => {
      const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-engine@approval:waiting']);
      expect(code, stderr).toBe(0);
      const daprd = starts(c.runDir, 'engine');
      expect(daprd).toHaveLength(2);
      expect(daprd[1]).toBe(daprd[0]); // same ports, same components (the same SQLite file)
      expect(history(c.runDir).some((o) => o.process === 'engine#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
      // only daprd was killed: placement and scheduler kept running
      expect(starts(c.runDir, 'placement')).toHaveLength(1);
      expect(starts(c.runDir, 'scheduler')).toHaveLength(1);
      expect(
        ledger(c.runDir)
          .filter((e) => e.outcome === 'applied')
          .map((e) => e.effect),
      ).toEqual(['refund:order-1042', 'email:refund-1042']);
    });

    it('restarts only the scheduler, on the same etcd data directory, for kill-engine target=scheduler', async () => {
      const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-engine@approval:waiting,target=scheduler']);
      expect(code, stderr).toBe(0);
      const scheduler = starts(c.runDir, 'scheduler');
      expect(scheduler).toHaveLength(2);
      expect(scheduler[1]).toBe(scheduler[0]);
      expect(scheduler[0]).toContain(`--etcd-data-dir ${join(c.runDir, 'data', 'dapr', 'scheduler')}`);
      expect(starts(c.runDir, 'engine')).toHaveLength(1);
      expect(history(c.runDir).find((o) => o.f === 'outcome')!.value.status).toBe('completed');
    });
  },
);
