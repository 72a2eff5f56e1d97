import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { engineInstalled, history, ledger, runOne, failures, type Judged } from '../helpers/run-folder.js';
import { expectRefundDeduplicated, expectRefundTwice, expectRetriedBeyondPolicy } from '../helpers/refund.js';

const { installed, skipReason } = engineInstalled('durabletask');

const run = (args: string[]) => runOne(['--adapter', 'dapr', ...args]);

describe.skipIf(!installed)(`ordeal run --adapter dapr on the real Durable Task sidecar${installed ? '' : ` — skipped: ${skipReason}`}`, () => {
  it('repeats the refund when the worker dies after the effect and tools send no idempotency key', async () => {
    const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'none']);
    expect(code, stderr).toBe(1);
    expectRefundTwice(c);
  });

  it('deduplicates the re-dispatched refund with the instance id and step as key', async () => {
    const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'framework']);
    expect(code, stderr).toBe(0);
    expectRefundDeduplicated(c, /-dapr-[0-9a-f]+:\d+$/);
  });

  it('re-dispatches an activity that crashes its worker without counting the crash: the step policy of 6 attempts gives a crash loop a 7th (dapr/dapr #9744)', async () => {
    const { c } = await run(['--scenario', 'refund-agent', '--fault', 'crash-loop@before-effect:1,times=6']);
    expectRetriedBeyondPolicy(c, 6);
  });

  // The sidecar's SQLite backend keeps the lock of the activity it was running for 2 minutes after a crash
  // (not settable by flag), so this case takes about that long to resume: hence the longer timeouts.
  it(
    'resumes the orchestration from its SQLite store after the sidecar is SIGKILLed while the approval is pending',
    { timeout: 300_000 },
    async () => {
      const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-engine@approval:waiting', '--timeout', '240000']);
      expect(code, stderr).toBe(0);
      const h = history(c.runDir);
      const engineStarts = h.filter((o) => o.process.startsWith('engine#') && o.f === 'start').map((o) => String(o.value.command));
      expect(engineStarts).toHaveLength(2);
      expect(engineStarts[1]).toBe(engineStarts[0]); // same port, same database file
      expect(h.some((o) => o.process === 'engine#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
      expect(h.find((o) => o.f === 'outcome')!.value.status).toBe('completed');
      expect(
        ledger(c.runDir)
          .filter((e) => e.outcome === 'applied')
          .map((e) => e.effect),
      ).toEqual(['refund:order-1042', 'email:refund-1042']);
    },
  );

  it("deploy: an extra step or a renamed activity fails the run on the SDK's history-mismatch check; a changed argument or prompt runs on old state", async () => {
    const fate: Record<string, { code: number | null; c: Judged }> = {};
    for (const change of ['extra-step', 'rename-tool', 'changed-arg', 'system-prompt'])
      fate[change] = await runOne<Judged>(['--adapter', 'dapr', '--scenario', 'refund-agent', '--fault', `deploy@step:3,change=${change}`]);
    for (const [change, activity] of [
      ['extra-step', 'audit'],
      ['rename-tool', 'tool-v2'],
    ] as const) {
      const { code, c } = fate[change]!;
      expect([code, failures(c)['deploy-fate'], failures(c).completion], change).toEqual([1, ['deploy-non-determinism'], ['failed']]);
      // unlike Temporal, the orchestration is failed for good: replayed, version 2 asked for another activity at that point
      expect(history(c.runDir).find((o) => o.f === 'outcome')!.value.error, change).toMatch(
        new RegExp(
          `history mismatch: A previous execution called callActivity with name='tool' and sequence number 2, but the current execution is instead trying to call ${activity}`,
        ),
      );
      expect(
        ledger(c.runDir).filter((e) => e.effect === 'refund:order-1042'),
        change,
      ).toEqual([]);
    }
    for (const change of ['changed-arg', 'system-prompt']) {
      const { code, c } = fate[change]!;
      // every effect once; only deploy-fate sees version 2's code on the state version 1 left
      expect([code, failures(c)], change).toEqual([1, { 'deploy-fate': ['deploy-new-code-on-old-state'] }]);
      expect(
        new Set(
          history(c.runDir)
            .filter((o) => o.f === 'probe' && o.value.point === 'deploy:v2')
            .map((o) => o.process),
        ),
        change,
      ).toEqual(new Set(['worker#2']));
    }
  }, 240_000);

  it('runs coding-agent without faults: real shell edits in the workspace, the PR and the comment once', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'calm.json'), '[]');
    const { code, stderr, c } = await run(['--scenario', 'coding-agent', '--schedule', join(dir, 'calm.json')]);
    expect(code, stderr).toBe(0);
    expect(readFileSync(join(c.runDir, 'workspace', 'src/math.sh'), 'utf8')).toBe('add() { echo $(( $1 + $2 )); }\n');
    expect(ledger(c.runDir).map((e) => [e.effect, e.outcome])).toEqual([
      ['pr:fix-add', 'applied'],
      ['comment:issue-17', 'applied'],
    ]);
  });
});
