/** Machine faults through ordeal-faultfs: what a power cut, a full disk and a failed fsync do to the reference runtime. */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresBin } from '../../adapters/dbos/cluster.js';
import { fusermount } from '../../harness/engines/index.js';
import { ENGINE_RESTART_DELAYS_MS } from '../../harness/run/processes.js';
import { ordeal, tempDir } from '../helpers/cli.js';
import { expectRefundTwice } from '../helpers/refund.js';
import { engineInstalled, history, refundEntries, runOne, verdict } from '../helpers/run-folder.js';
import { failures } from './fault-cases.js';

const { installed, skipReason } = engineInstalled('faultfs');
const fuse = existsSync('/dev/fuse') && fusermount() !== undefined;
const skip = !installed ? skipReason : !fuse ? '/dev/fuse or fusermount3 is missing (apt-get install fuse3)' : '';

interface Case {
  scenario: string;
  idempotency: string;
  valid: boolean | 'unknown';
  runDir: string;
  checks: Record<string, { valid: boolean | 'unknown'; anomalies: { kind: string; message: string }[] }>;
}

const reference = (sync: 'FULL' | 'NORMAL', fault: string, idempotency: 'none' | 'framework') =>
  runOne<Case>([
    '--adapter',
    'reference',
    '--opt',
    `synchronous=${sync}`,
    '--scenario',
    'refund-agent',
    '--fault',
    fault,
    '--idempotency',
    idempotency,
    '--timeout',
    '20000',
  ]);

/** What the nemesis recorded the power cut lost: path → writes. */
function lost(c: Case): Record<string, number> {
  const op = history(c.runDir).find((o) => o.process === 'nemesis' && o.f === 'power-loss');
  expect(op, 'the power-loss report in the history').toBeDefined();
  return Object.fromEntries((op!.value.files as { path: string; writes: number }[]).map((f) => [f.path, f.writes]));
}

describe.skipIf(skip !== '')(`machine faults on the reference runtime${skip ? ` — skipped: ${skip}` : ''}`, () => {
  it('synchronous=FULL: a power cut after the refund was journaled loses nothing journaled (exit 0)', async () => {
    const { code, stderr, c } = await reference('FULL', 'power-loss@step:7', 'none');
    expect(code, stderr).toBe(0);
    expect(c.valid).toBe(true);
    // the cut did lose something (SQLite's shared-memory index is never synced), just nothing that was committed
    expect(Object.keys(lost(c))).toContain('journal.db-shm');
    expect(lost(c)['journal.db-wal']).toBeUndefined();
    expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
    const h = history(c.runDir);
    expect(h.some((o) => o.process === 'worker#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
    expect(h.some((o) => o.process === 'worker#2' && o.f === 'start')).toBe(true);
    // the data directory is a plain directory again, with the journal in it
    expect(existsSync(join(c.runDir, 'data', 'journal.db'))).toBe(true);
    expect(existsSync(join(c.runDir, 'data.disk'))).toBe(false);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(c.runDir);
  });

  it('synchronous=NORMAL with a torn WAL tail: the journaled refund step is lost, runs again, and exactly-once-effects names the second refund', async () => {
    const { code, stderr, c } = await reference('NORMAL', 'power-loss@step:7,torn=true', 'none');
    expect(code, stderr).toBe(1);
    expectRefundTwice(c);
    expect(Object.keys(lost(c))).toContain('journal.db-wal');
  });

  it('synchronous=NORMAL, framework keys: the second refund is deduplicated, and the lost step shows as re-executed work', async () => {
    const normal = await reference('NORMAL', 'power-loss@step:7,torn=true', 'framework');
    expect(normal.code, normal.stderr).toBe(0);
    expect(refundEntries(normal.c.runDir).map((e) => e.outcome)).toEqual(['applied', 'deduplicated']);
    const full = await reference('FULL', 'power-loss@step:7,torn=true', 'framework');
    expect(full.code, full.stderr).toBe(0);
    const redone = (c: Case): number =>
      (JSON.parse(readFileSync(join(c.runDir, 'verdict.json'), 'utf8')) as { checks: Record<string, { metrics: Record<string, number> }> }).checks[
        'wasted-work'
      ]!.metrics.reexecutedSteps!;
    expect(redone(normal.c)).toBeGreaterThan(redone(full.c));
  });

  it('synchronous=NORMAL, every unsynced write lost: the durable submission survives, the journaled refund step is lost and runs again (exit 1)', async () => {
    const { code, stderr, c } = await reference('NORMAL', 'power-loss@step:7', 'none');
    expect(code, stderr).toBe(1);
    expectRefundTwice(c);
    expect(c.checks['exactly-once-effects']!.anomalies[0]!.message).toContain('ledger #1 and #2');
    // the run itself was acknowledged durably, so it finishes: only the steps journaled after it were lost
    expect(Object.keys(failures(c))).not.toContain('completion');
    expect(lost(c)['journal.db-wal']).toBeGreaterThan(0);
  });

  it('fsync-error on the worker: the reference worker fail-stops (no retried fsync), is restarted on what the disk holds, and the run ends valid', async () => {
    const { code, stderr, c } = await reference('FULL', 'fsync-error@step:3,target=worker', 'none');
    expect(code, stderr).toBe(0);
    expect(readFileSync(join(c.runDir, 'logs', 'faultfs.log'), 'utf8')).toContain('fsync-error: EIO to the fsync of "journal.db-wal"');
    expect(readFileSync(join(c.runDir, 'logs', 'worker.log'), 'utf8')).toMatch(/the fsync of the journal failed \(EIO.*exiting \(fail-stop\)/);
    // the worker exited by itself with EX_IOERR, and the supervisor started another, which finished the run
    const ops = history(c.runDir);
    expect(ops.filter((o) => o.f === 'death' && o.process.startsWith('worker')).map((o) => [o.value.code, o.value.expected])).toEqual([
      [74, false],
      [0, true],
    ]);
    expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
  });

  it('disk-full while the worker runs: SQLite reports the full disk, the runtime retries once it heals, and the run ends valid', async () => {
    const { code, stderr, c } = await reference('FULL', 'disk-full@step:5,ms=1500', 'none');
    expect(code, stderr).toBe(0);
    expect(readFileSync(join(c.runDir, 'logs', 'faultfs.log'), 'utf8')).toContain('disk-full: the first ENOSPC');
    expect(readFileSync(join(c.runDir, 'logs', 'worker.log'), 'utf8')).toContain('database or disk is full');
  });

  it('a missing fault filesystem exits 3 naming the command that installs it', async () => {
    const r = await ordeal(['run', '--scenario', 'refund-agent', '--fault', 'power-loss@step:3', '--out', tempDir()], {
      env: { ORDEAL_ENGINES_DIR: tempDir('ordeal-no-engines-') },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ordeal engines install faultfs');
  });
});

const temporal = engineInstalled('temporal');

describe.skipIf(skip !== '' || !temporal.installed)(
  `power-loss on real engines${skip ? ` — skipped: ${skip}` : !temporal.installed ? ` — skipped: ${temporal.skipReason}` : ''}`,
  () => {
    it('Temporal: the cut kills the server and the worker, its SQLite journal comes back hot, and the run ends valid with the refund once', async () => {
      const { code, stderr, c } = await runOne<Case>([
        '--adapter',
        'temporal',
        '--scenario',
        'refund-agent',
        '--fault',
        'power-loss@after-effect:1',
        '--idempotency',
        'framework',
      ]);
      expect(code, stderr).toBe(0);
      const h = history(c.runDir);
      for (const p of ['worker#1', 'engine#1']) expect(h.some((o) => o.process === p && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
      expect(h.some((o) => o.process === 'engine#2' && o.f === 'start')).toBe(true);
      // SQLite's rollback journal is deleted at each commit without an fsync of the directory: the cut brings it back
      const op = h.find((o) => o.process === 'nemesis' && o.f === 'power-loss')!;
      expect(op.value.dirOps).toContain('unlink temporal.db-journal');
      expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied', 'deduplicated']);
    });

    it('LangGraph.js: its SQLite checkpointer does not sync its WAL, so a cut after the refund loses the thread and refunds again under a new key', async () => {
      const { code, stderr, c } = await runOne<Case>([
        '--adapter',
        'langgraph',
        '--scenario',
        'refund-agent',
        '--fault',
        'power-loss@after-effect:1',
        '--idempotency',
        'framework',
      ]);
      expect(code, stderr).toBe(1);
      expect(lost(c)['checkpoints.sqlite-wal']).toBeGreaterThan(0);
      const refunds = refundEntries(c.runDir);
      expect(refunds.map((e) => e.outcome)).toEqual(['applied', 'applied']);
      expect(refunds[1]!.key).not.toBe(refunds[0]!.key);
    });
  },
);

/** Processes whose working directory is under `dir` (a PostgreSQL server's processes work in its data directory). */
function workingIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const postgres = (() => {
  try {
    return postgresBin();
  } catch {
    return undefined;
  }
})();

describe.skipIf(skip !== '' || !postgres)(
  `power-loss on DBOS's own PostgreSQL cluster${skip ? ` — skipped: ${skip}` : !postgres ? ' — skipped: PostgreSQL (initdb, postgres) is not installed' : ''}`,
  () => {
    it("DBOS: the cut kills the case's PostgreSQL and the worker, the server recovers from its WAL, and the run ends valid with the refund once", async () => {
      const { code, stderr, c } = await runOne<Case>([
        '--adapter',
        'dbos',
        '--scenario',
        'refund-agent',
        '--fault',
        'power-loss@step:7',
        '--idempotency',
        'framework',
      ]);
      expect(code, stderr).toBe(0);
      const h = history(c.runDir);
      for (const p of ['worker#1', 'engine#1']) expect(h.some((o) => o.process === p && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
      expect(h.some((o) => o.process === 'engine#2' && o.f === 'start')).toBe(true);
      expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
      // the cluster was on the case's data directory, and none of its processes outlived the case
      expect(existsSync(join(c.runDir, 'data', 'postgres', 'PG_VERSION'))).toBe(true);
      expect(readFileSync(join(c.runDir, 'logs', 'engine.log'), 'utf8')).toContain('database system was interrupted');
      expect(workingIn(c.runDir)).toEqual([]);
    });

    it('DBOS under --launcher containers: its per-case PostgreSQL is a host process (no engine image has it), and the cut works the same', async () => {
      const { code, stderr, c } = await runOne<Case>([
        '--launcher',
        'containers',
        '--adapter',
        'dbos',
        '--scenario',
        'refund-agent',
        '--fault',
        'power-loss@step:7',
      ]);
      expect(code, stderr).toBe(0);
      const starts = history(c.runDir).filter((o) => o.f === 'start' && o.process.startsWith('engine#'));
      expect(starts.map((o) => [o.process, o.value.container])).toEqual([
        ['engine#1', undefined],
        ['engine#2', undefined],
      ]);
      expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
    });

    it('DBOS: PostgreSQL stops itself on the full disk; restarted as a service manager would, it recovers once the disk has room and the run ends valid', async () => {
      const { code, stderr, c } = await runOne<Case>([
        '--adapter',
        'dbos',
        '--scenario',
        'refund-agent',
        '--fault',
        // long enough that the crash recovery after the first PANIC also meets the full disk: on a busy machine it
        // starts over a second later, and with the disk free again PostgreSQL recovers in place without exiting
        'disk-full@step:3,ms=4000',
        '--idempotency',
        'framework',
      ]);
      expect(code, stderr).toBe(0);
      const h = history(c.runDir);
      // nothing killed it: it exited by itself (PANIC on ENOSPC), and the next start came after the first wait
      const died = h.find((o) => o.process === 'engine#1' && o.f === 'death')!;
      expect(died.value).toMatchObject({ expected: false, signal: null });
      const restarted = h.find((o) => o.process === 'engine#2' && o.f === 'start')!;
      expect(restarted.time - died.time).toBeGreaterThanOrEqual(ENGINE_RESTART_DELAYS_MS[0]);
      expect(readFileSync(join(c.runDir, 'logs', 'engine.log'), 'utf8')).toMatch(/PANIC: .*No space left on device/);
      expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
      expect(verdict(c.runDir).checks.recovery!.metrics.disruptions).toBe(2); // the fault, and the engine's death on its own
      expect(workingIn(c.runDir)).toEqual([]);
    });
  },
);
