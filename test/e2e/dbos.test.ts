import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseDatabaseName } from '../../adapters/dbos/database.js';
import { standardSchedules } from '../../harness/faults/index.js';
import { resolveScenario } from '../../harness/scenario/index.js';
import { ordeal, tempDir } from '../helpers/cli.js';
import { postgresAnswers, withPg } from '../helpers/postgres.js';
import { expectRefundDeduplicated, expectRefundTwice, expectRetriedBeyondPolicy } from '../helpers/refund.js';
import { history, ledger, refundEntries, runOne, type Case } from '../helpers/run-folder.js';

const { installed, skipReason } = await postgresAnswers();

const run = (args: string[]) => runOne(['--adapter', 'dbos', ...args]);
const runIdOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { id: string }).id;
const workerLog = (dir: string) => readFileSync(join(dir, 'logs/worker.log'), 'utf8');
/** Which of these databases still exist on the server. */
const existing = (names: string[]) =>
  withPg(async (c) => (await c.query('select datname from pg_database where datname = any($1)', [names])).rows.map((r) => String(r.datname)));

describe.skipIf(!installed)(`ordeal run --adapter dbos on PostgreSQL${installed ? '' : ` — skipped: ${skipReason}`}`, () => {
  it('refunds twice when the worker dies after the refund and tools send no idempotency key: DBOS re-runs the unrecorded step', async () => {
    const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'none']);
    expect(code, stderr).toBe(1);
    expectRefundTwice(c);
    const h = history(c.runDir);
    expect(h.some((o) => o.process === 'worker#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
    // the restarted worker recovered the run at launch (no server handed it over) and ran the refund's step again
    expect(workerLog(c.runDir)).toContain('Recovering 1 workflows');
    const refunds = h.filter(
      (o) => o.f === 'probe' && o.value.point === 'tool:before' && (o.value.detail as { name?: string })?.name === 'tool:refund',
    );
    expect(refunds.map((o) => o.process)).toEqual(['worker#1', 'worker#2']);
  });

  it('runs refund-agent and coding-agent valid under the standard faults, keys from the workflow id and step function id, and drops each case database', async () => {
    // two scenarios, not all eight: the approval, the effects and the shell are all in these (the whole matrix: adapters/dbos/README.md)
    const r = await ordeal(['run', '--adapter', 'dbos', '--scenario', 'refund-agent', '--scenario', 'coding-agent', '--json', '--out', tempDir()]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const cases = (JSON.parse(r.stdout) as { cases: (Case & { scenario: string; schedule: { fault: string; at: string }[] })[] }).cases;
    const label = (s: { fault: string; at: string }[]) => s.map((f) => `${f.fault}@${f.at}`).join('+');
    // no engine process: the standard schedules without kill-engine, for every shipped scenario
    const expected = ['refund-agent', 'coding-agent'].flatMap((n) => standardSchedules(resolveScenario(n), false).map((s) => `${n} ${label(s)}`));
    expect(cases.map((c) => `${c.scenario} ${label(c.schedule)}`).sort()).toEqual(expected.sort());
    expect(cases.every((c) => c.valid)).toBe(true);

    const afterEffect = cases.find((c) => c.scenario === 'refund-agent' && label(c.schedule) === 'kill-worker@after-effect:1')!;
    expectRefundDeduplicated(afterEffect, new RegExp(`^${runIdOf(afterEffect.runDir)}:\\d+$`));
    // the approval waited in DBOS.recv across the kill: asked once by id (the id is the request step's key), answered, run finished
    const approval = cases.find((c) => c.scenario === 'coding-agent' && label(c.schedule) === 'kill-worker@approval:waiting')!;
    const h = history(approval.runDir);
    expect(h.find((o) => o.f === 'approval' && o.value.event === 'requested')?.value.id).toMatch(new RegExp(`^${runIdOf(approval.runDir)}:\\d+$`));
    expect(h.some((o) => o.process === 'human' && o.f === 'approval' && o.type === 'ok')).toBe(true);
    expect(h.find((o) => o.f === 'outcome')?.value.status).toBe('completed');

    expect(await existing(cases.map((c) => caseDatabaseName(runIdOf(c.runDir))))).toEqual([]);
  }, 600_000); // 12 cases

  it('recovers a workflow whose step crashed its worker without counting the crash against the step retries: 6 crashes, and a 7th attempt', async () => {
    const { c } = await run(['--scenario', 'refund-agent', '--fault', 'crash-loop@before-effect:1,times=6']);
    expectRetriedBeyondPolicy(c, 6);
  });

  it('delivers the decision by DBOS.send while no worker runs: the recovered workflow finds it in DBOS.recv', async () => {
    // the worker stays down for 1.5 s after the kill; the scenario's human answers within it
    const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-worker@approval:waiting,restartAfterMs=1500']);
    expect(code, stderr).toBe(0);
    const h = history(c.runDir);
    const delivered = h.findIndex((o) => o.process === 'human' && o.f === 'approval' && o.type === 'ok');
    const restarted = h.findIndex((o) => o.process === 'worker#2' && o.f === 'start');
    expect(delivered).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(restarted);
    expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
    expect(h.find((o) => o.f === 'outcome')?.value.status).toBe('completed');
  });

  it('takes a decision delivered twice once (the send carries the approval id as idempotency key), and a rejection reaches the careful agent, which does not refund', async () => {
    const twice = await run(['--scenario', 'refund-agent', '--fault', 'human-twice@approval:waiting']);
    expect(twice.code, twice.stderr).toBe(0);
    expect(refundEntries(twice.c.runDir).map((e) => e.outcome)).toEqual(['applied']);
    const rejected = await run(['--scenario', 'refund-agent-careful', '--fault', 'human-reject@approval:waiting']);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(refundEntries(rejected.c.runDir)).toEqual([]);
  });

  it('re-runs a tool call killed mid-way on the restarted worker: the shell edit lands once', async () => {
    // shell:2 holds the fix's shell call after its step started and before the command ran; the worker dies there
    const { code, stderr, c } = await run(['--scenario', 'coding-agent', '--fault', 'kill-worker@shell:2']);
    expect(code, stderr).toBe(0);
    const h = history(c.runDir);
    const shells = h.filter((o) => o.f === 'probe' && o.value.point === 'shell:before').map((o) => o.process);
    // the first call's step was recorded before the kill, so only the killed one runs again
    expect(shells).toEqual(['worker#1', 'worker#1', 'worker#2']);
    expect(readFileSync(join(c.runDir, 'workspace/src/math.sh'), 'utf8')).toBe('add() { echo $(( $1 + $2 )); }\n');
    expect(readFileSync(join(c.runDir, 'workspace/CHANGELOG.md'), 'utf8')).toBe('# Changelog\n- fix add() (#17)\n');
  });

  it('keeps the run valid through a partition between the worker and PostgreSQL (net-partition target=engine): DBOS waits for its database', async () => {
    const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'net-partition@after-effect:1,target=engine,ms=3000']);
    expect(code, stderr).toBe(0);
    const h = history(c.runDir);
    const proxy = h.find((o) => o.f === 'net-proxy')!;
    expect(proxy.value).toMatchObject({ target: 'engine', upstream: expect.stringMatching(/:\d+$/) as unknown });
    // the worker dialed PostgreSQL through the proxy, and lost its connections while the partition lasted
    expect(workerLog(c.runDir)).toContain(`System Database URL: postgresql://postgres@${String(proxy.value.listen)}/`);
    expect(workerLog(c.runDir)).toMatch(/Connection terminated/);
    expect(ledger(c.runDir).map((e) => e.outcome)).toEqual(['applied', 'applied']);
  });

  it('a second worker launched while the first runs the workflow (the shape of dbos-transact-ts #1219, #1205) recovers nothing: with no keys, one refund', async () => {
    for (const at of ['step:2', 'after-effect:1']) {
      const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--idempotency', 'none', '--fault', `extra-worker@${at}`]);
      expect(code, `${at}: ${stderr}`).toBe(0);
      const h = history(c.runDir);
      expect(h.filter((o) => o.f === 'start' && o.process.startsWith('worker')).map((o) => o.process)).toEqual(['worker#1', 'worker#2']);
      // the second one launched beside a live first one and ran no step of the workflow: no recovery pass re-ran it
      const acting = h.filter((o) => o.f === 'probe' && ['llm:before', 'tool:before'].includes(String(o.value.point))).map((o) => o.process);
      expect(new Set(acting), at).toEqual(new Set(['worker#1']));
      expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied']);
    }
  });

  it('keeps the case database with --opt keepDatabase=true', async () => {
    const calm = join(tempDir(), 'calm.json');
    writeFileSync(calm, '[]');
    const { code, stderr, c } = await run(['--scenario', 'long-chain', '--schedule', calm, '--opt', 'keepDatabase=true']);
    expect(code, stderr).toBe(0);
    const name = caseDatabaseName(runIdOf(c.runDir));
    expect(await existing([name])).toEqual([name]);
    await withPg((pg) => pg.query(`drop database "${name}" with (force)`));
  });
});

describe('ordeal run --adapter dbos without PostgreSQL', () => {
  it('exits 3 naming ORDEAL_POSTGRES_URL and scripts/postgres.sh', async () => {
    const r = await ordeal(['run', '--adapter', 'dbos', '--scenario', 'refund-agent', '--out', tempDir()], {
      env: { ORDEAL_POSTGRES_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('postgresql://postgres@127.0.0.1:1/nowhere');
    expect(r.stderr).toContain('ORDEAL_POSTGRES_URL');
    expect(r.stderr).toContain('scripts/postgres.sh');
    expect(r.stderr).toContain('ORD-360');
  });
});
