import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { history, ledger, refundEntries, runOne, verdict } from '../helpers/run-folder.js';
import { expectRefundDeduplicated, expectRefundTwice, expectRetriedBeyondPolicy } from '../helpers/refund.js';
import { expectSubgraphResumeReusesTasks } from '../helpers/langgraph.js';
import { ordeal, root, tempDir } from '../helpers/cli.js';

interface Case {
  scenario: string;
  valid: boolean;
  runDir: string;
  checks: Record<string, { valid: boolean; anomalies: { kind: string; message: string }[] }>;
}
/** history.jsonl as text, for the lines these tests look for. */
const historyText = (dir: string) => readFileSync(join(dir, 'history.jsonl'), 'utf8');

const run = (args: string[], env?: NodeJS.ProcessEnv) => runOne<Case>(['--adapter', 'langgraph', ...args], env);
const refundKill = ['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1'];

/** The URL scripts/postgres.sh printed (npm run test:full sets it), or the address it starts PostgreSQL on. */
const pgUrl = process.env.ORDEAL_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:55432/ordeal';
/** A module name TypeScript does not resolve: pg ships no type declarations. */
const PG: string = 'pg';
const pgAnswers = await (async () => {
  const pg = ((await import(PG)) as { default: { Client: new (o: object) => { connect(): Promise<void>; end(): Promise<void> } } }).default;
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    console.warn(`langgraph postgres case skipped: no PostgreSQL answers at ${pgUrl} (run scripts/postgres.sh, or npm run test:full)`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
})();

describe('ordeal run --adapter langgraph (StateGraph, ToolNode, interrupt(), SqliteSaver)', () => {
  it('refunds twice when the worker dies after the refund and tools send no idempotency key', async () => {
    const { code, c } = await run([...refundKill, '--idempotency', 'none']);
    expect(code).toBe(1);
    expectRefundTwice(c);
  });

  it('re-runs the tools superstep after the kill, and the world deduplicates it by the checkpointed task and tool call', async () => {
    const { code, c } = await run([...refundKill, '--idempotency', 'framework']);
    expect(code).toBe(0);
    // thread id, the ToolNode task's checkpoint namespace, the tool call id from the checkpointed AIMessage
    expectRefundDeduplicated(c, /^lg:thread-.+:tools:[0-9a-f-]{36}:call_/);
    expect(historyText(c.runDir)).toContain('"signal":"SIGKILL"');
  });

  it('re-runs a superstep that crashed its worker without counting it against the RetryPolicy: 6 crashes, and a 7th attempt (effect, model call, shell command)', async () => {
    const { c } = await run(['--scenario', 'refund-agent', '--fault', 'crash-loop@before-effect:1,times=6']);
    expectRetriedBeyondPolicy(c, 6);
    // the model node the same: a model call that crashes its worker 6 times is asked a 7th
    const llm = await run(['--scenario', 'refund-agent', '--fault', 'crash-loop@llm-call:2,times=6']);
    expect(llm.c.checks['retry-bound']!.anomalies.map((a) => a.kind)).toEqual(['retries-beyond-policy']);
    expect(history(llm.c.runDir).filter((o) => o.f === 'llm' && o.type === 'invoke' && o.value.turn === 1)).toHaveLength(7);
    // and a shell command: killed 6 times before it ran, it runs a 7th time (once: flaky-shell's edit is not idempotent)
    const shell = await run(['--scenario', 'flaky-shell', '--fault', 'crash-loop@shell:1,times=6']);
    expect(Object.keys(shell.c.checks).filter((n) => shell.c.checks[n]!.anomalies.length > 0)).toEqual(['retry-bound']);
    expect(verdict(shell.c.runDir).checks['retry-bound']!.metrics).toEqual({ attempts: 7, kills: 6, policy: 6 });
  });

  it('runs the coding agent to the end: real shell edit, approval through the inbox, PR and comment, checkpoints on SQLite', async () => {
    const { code, c } = await run(['--scenario', 'coding-agent']);
    expect(code).toBe(0);
    expect(readFileSync(join(c.runDir, 'workspace/src/math.sh'), 'utf8')).toContain('$1 + $2');
    expect(ledger(c.runDir).map((e) => [e.effect, e.outcome])).toEqual([
      ['pr:fix-add', 'applied'],
      ['comment:issue-17', 'applied'],
    ]);
    expect(existsSync(join(c.runDir, 'data/checkpoints.sqlite'))).toBe(true);
    expect(historyText(c.runDir)).toContain('"event":"decided"');
  });

  // langgraphjs #2667 (and #1552, langgraph #6792): run as a subgraph, an agent re-ran on resume the tasks it had finished
  // before its interrupt. On @langchain/langgraph 1.4.9 this case asked the model again and refunded twice (a new tool
  // call id, so a new key); on the pinned version it does neither.
  it('#2667: the agent as a subgraph (nesting=subgraph) reuses on resume the tasks it finished before its approval, on both APIs', async () => {
    await expectSubgraphResumeReusesTasks(run, 'callTool');
  });

  // langgraphjs #1298: after one resume, a second interrupt() could halt the graph silently. Here the worker is killed
  // between the two, while the model call that asks for the second approval is in flight: the restarted graph resumes
  // from its checkpoint and must reach the second interrupt, get its answer and go on. Both APIs.
  it('reaches a second interrupt after a resume and a restart, and finishes (langgraphjs #1298 does not show)', async () => {
    const scenario = join(root, 'test/fixtures/two-approvals.json');
    for (const api of ['graph', 'functional']) {
      const { code, stderr, c } = await run(['--scenario', scenario, '--opt', `api=${api}`, '--fault', 'kill-worker@llm-call:3']);
      expect([api, code], stderr).toEqual([api, 0]);
      const h = history(c.runDir);
      const approvals = (event: string) => new Set(h.filter((o) => o.f === 'approval' && o.value.event === event).map((o) => o.value.id)).size;
      expect([api, approvals('requested'), approvals('delivered')]).toEqual([api, 2, 2]);
      // the second approval was asked for by the restarted worker
      const second = h.filter((o) => o.f === 'approval' && o.value.event === 'requested').at(-1)!;
      expect([api, second.process]).toEqual([api, 'worker#2']);
      expect(
        ledger(c.runDir)
          .filter((e) => e.outcome === 'applied')
          .map((e) => e.effect),
      ).toEqual(['refund:order-1042', 'email:voucher-1042']);
    }
  });
});

describe('langgraph variants', () => {
  it.skipIf(!pgAnswers)('resumes from PostgresSaver after a kill while the agent waits for approval', async () => {
    const { code, c } = await run([
      '--scenario',
      'refund-agent',
      '--fault',
      'kill-worker@approval:waiting',
      '--opt',
      'store=postgres',
      '--opt',
      `postgresUrl=${pgUrl}`,
    ]);
    expect(code).toBe(0);
    expect(existsSync(join(c.runDir, 'data/checkpoints.sqlite'))).toBe(false);
    expect(ledger(c.runDir).map((e) => e.outcome)).toEqual(['applied', 'applied']);
    expect(historyText(c.runDir)).toMatch(/"point":"step:journaled".*"process":"worker#2"/);
  });

  it('a PostgreSQL that does not answer is exit 3, naming the URL tried', async () => {
    const r = await ordeal([
      'run',
      '--adapter',
      'langgraph',
      '--scenario',
      'refund-agent',
      '--opt',
      'store=postgres',
      '--opt',
      'postgresUrl=postgresql://postgres@127.0.0.1:1/nowhere',
      '--out',
      tempDir(),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('postgresql://postgres@127.0.0.1:1/nowhere');
  });

  it('functional API: the restarted entrypoint replays cached task results, so the re-sent refund carries the same key', async () => {
    const { code, c } = await run([...refundKill, '--opt', 'api=functional']);
    expect(code).toBe(0);
    const refunds = refundEntries(c.runDir);
    expect(refunds.map((e) => e.outcome)).toEqual(['applied', 'deduplicated']);
    expect(refunds[0]!.key).toMatch(/\|callTool:[0-9a-f-]{36}:call_/);
    expect(historyText(c.runDir)).toContain('"channels":["__return__"]');
  });

  it('durability=exit: nothing after the approval was checkpointed, so the model is asked again and the refund goes out twice under new keys', async () => {
    const { code, c } = await run([...refundKill, '--opt', 'durability=exit']);
    expect(code).toBe(1);
    const refunds = refundEntries(c.runDir);
    expect(refunds.map((e) => e.outcome)).toEqual(['applied', 'applied']);
    expect(refunds[0]!.key).not.toBe(refunds[1]!.key);
    expect(c.checks['exactly-once-effects']!.anomalies.map((a) => a.kind)).toContain('duplicate');
  });

  it('durability=async: the next superstep starts before the checkpoint is written, so a kill then re-runs it; sync does not', async () => {
    // killed as the third checkpoint is written (the model's first answer): with sync the tools superstep has not
    // started, so nothing runs twice. With async it starts beside the write, and its read_resource reaches the world
    // before the kill or just after it: a real race (the kill follows the checkpoint's probe by ~1 ms), so a few runs
    // may pass before one shows the tool call made by the killed worker and made again; sync never shows it.
    const kill = ['--scenario', 'refund-agent', '--fault', 'kill-worker@step:3'];
    const reexecuted = (r: Awaited<ReturnType<typeof run>>) => verdict(r.c.runDir).checks['wasted-work']!.metrics.reexecutedSteps;
    const toolStarts = (r: Awaited<ReturnType<typeof run>>) =>
      history(r.c.runDir)
        .filter(
          (o) => o.f === 'probe' && o.value.point === 'tool:before' && (o.value.detail as { name?: string } | undefined)?.name === 'read_resource',
        )
        .map((o) => o.process);
    const sync = await run([...kill, '--opt', 'durability=sync']);
    expect(sync.code, JSON.stringify(sync.c.checks)).toBe(0);
    expect(reexecuted(sync)).toBe(0);
    expect(toolStarts(sync)).toEqual(['worker#2']);
    const seen: string[][] = [];
    for (let i = 0; i < 5; i++) {
      const async_ = await run([...kill, '--opt', 'durability=async']);
      expect(async_.code, JSON.stringify(async_.c.checks)).toBe(0);
      seen.push(toolStarts(async_));
      if ((reexecuted(async_) ?? 0) >= 1) break;
    }
    expect(seen.at(-1), JSON.stringify(seen)).toEqual(['worker#1', 'worker#2']);
  });

  it('rejects an unknown option value with exit 2, naming the option and the allowed values', async () => {
    const r = await ordeal(['run', '--adapter', 'langgraph', '--scenario', 'refund-agent', '--opt', 'durability=never', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--opt durability=never: expected one of sync, async, exit');
  });
});
