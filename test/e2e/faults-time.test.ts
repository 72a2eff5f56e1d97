/** extra-worker, clock-jump and deploy on the reference runtime, and the adapters they are refused on (exit 2). */
import { describe, expect, it } from 'vitest';
import { faketimePreload } from '../../harness/engines/faketime.js';
import { enginesRoot } from '../../harness/engines/index.js';
import { ordeal, root, tempDir } from '../helpers/cli.js';
import { history, ledger, runOne, type HistoryOp, failures, type Judged } from '../helpers/run-folder.js';
import { clockJumpArgs, expectClockJumped } from '../helpers/clock.js';

/** The failing checkers of a case with their anomaly kinds. */

/** Processes that sent the world a call or a probe (not their start and death records). */
const acting = (ops: HistoryOp[]) =>
  new Set(ops.filter((o) => o.process.startsWith('worker#') && (o.type === 'invoke' || o.f === 'probe')).map((o) => o.process));

const faketime = faketimePreload(enginesRoot(root));

describe('time and change faults on the reference runtime', () => {
  it("extra-worker: a second live worker takes the run over once the paused first one's lease lapses; the lease fences the first", async () => {
    // the first worker is frozen 7 s (its lease is 5 s) right after step 2; no idempotency keys: only fencing prevents a double refund
    const { code, c } = await runOne<Judged>([
      '--scenario',
      'refund-agent',
      '--idempotency',
      'none',
      '--fault',
      'extra-worker@step:1',
      '--fault',
      'pause-worker@step:2,ms=7000',
    ]);
    expect([code, failures(c)]).toEqual([0, {}]);
    const ops = history(c.runDir);
    expect(ops.filter((o) => o.f === 'start' && o.process.startsWith('worker')).map((o) => o.process)).toEqual(['worker#1', 'worker#2']);
    // both were alive until the run ended, and both worked on it: worker#1 before its pause, worker#2 after
    expect(acting(ops)).toEqual(new Set(['worker#1', 'worker#2']));
    expect(ops.filter((o) => o.f === 'death' && o.process.startsWith('worker')).every((o) => o.value.expected === true)).toBe(true);
    const refunds = ops.filter((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042');
    expect(refunds.map((o) => o.process)).toEqual(['worker#2']);
    expect(ledger(c.runDir).map((e) => [e.effect, e.outcome])).toEqual([
      ['refund:order-1042', 'applied'],
      ['email:refund-1042', 'applied'],
    ]);
  });

  it('deploy: a step added or renamed breaks the run in flight with a NonDeterminismError; a changed argument or prompt runs on old state', async () => {
    const fates: Record<string, [string, Record<string, string[]>]> = {};
    for (const change of ['extra-step', 'rename-tool', 'changed-arg', 'system-prompt']) {
      const { c } = await runOne<Judged>(['--scenario', 'refund-agent', '--fault', `deploy@step:3,change=${change}`]);
      const ops = history(c.runDir);
      // the rollout: worker#1 stopped by SIGTERM (an expected exit), worker#2 started on version 2
      expect(ops.filter((o) => o.f === 'start' && o.process.startsWith('worker')).map((o) => o.process)).toEqual(['worker#1', 'worker#2']);
      fates[change] = [c.checks['deploy-fate']!.anomalies[0]?.message ?? '', failures(c)];
    }
    for (const change of ['extra-step', 'rename-tool']) {
      const [message, failed] = fates[change]!;
      expect(failed['deploy-fate']).toEqual(['deploy-non-determinism']);
      expect(failed.completion).toEqual(['failed']);
      expect(message).toMatch(
        new RegExp(`deploy of version 2 \\(change ${change}\\) at step:3: it failed with a non-determinism error.*NonDeterminismError`),
      );
    }
    for (const change of ['changed-arg', 'system-prompt']) {
      const [message, failed] = fates[change]!;
      // the run completes with every effect once: only the deploy-fate checker sees that version 2's code ran on it
      expect(failed).toEqual({ 'deploy-fate': ['deploy-new-code-on-old-state'] });
      expect(message).toMatch(/the run begun on version 1 went on with version 2's code/);
    }
  });

  // an adapter that declares no deploy at all (ORD-113): test/unit/harness/faults/time-faults.test.ts, with a team's adapter
  it('deploy: the reference runtime has no versioning tool, and a change an adapter does not carry is refused (exit 2)', async () => {
    const out = tempDir();
    const noTool = await ordeal(['run', '--scenario', 'refund-agent', '--fault', 'deploy@step:3', '--opt', 'versioning=on', '--out', out]);
    expect(noTool.code).toBe(2);
    expect(noTool.stderr).toMatch(/versioning/);
    const unlisted = await ordeal([
      'run',
      '--adapter',
      'dapr-agents',
      '--scenario',
      'refund-agent',
      '--fault',
      'deploy@step:3,change=rename-tool',
      '--out',
      out,
    ]);
    expect(unlisted.code).toBe(2);
    expect(unlisted.stderr).toMatch(
      /fault deploy change=rename-tool is not supported by adapter 'dapr-agents': expected one of extra-step, changed-arg, system-prompt.*ORD-114/s,
    );
    const check = await ordeal([
      'check',
      '--adapter',
      'dapr',
      '--scenario',
      'refund-agent',
      '--faults',
      'deploy',
      '--opt',
      'versioning=on',
      '--runs',
      '1',
    ]);
    expect([check.code, check.stderr]).toEqual([2, expect.stringMatching(/versioning/)]);
  });

  it.skipIf(!faketime)('clock-jump: the worker and the commands it runs see the wall clock an hour ahead from the jump on', async () => {
    const { code, c } = await runOne<Judged>(clockJumpArgs);
    expect([code, failures(c)]).toEqual([0, {}]);
    expectClockJumped(c.runDir);
  });

  it('clock-jump target=engine is refused for an engine that reads the clock without libc, saying why (exit 2)', async () => {
    const r = await ordeal([
      'run',
      '--adapter',
      'temporal',
      '--scenario',
      'refund-agent',
      '--fault',
      'clock-jump@step:1,target=engine',
      '--out',
      tempDir(),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /cannot skew adapter 'temporal''s engine: the Temporal CLI dev server is a statically linked Go binary.*use target=worker.*ORD-116/s,
    );
  });
});
