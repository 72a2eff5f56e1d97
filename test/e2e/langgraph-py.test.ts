import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineInstalled, history, ledger, refundEntries, runOne, spans } from '../helpers/run-folder.js';
import { expectRefundDeduplicated, expectRefundTwice, expectRetriedBeyondPolicy } from '../helpers/refund.js';
import { expectSubgraphResumeReusesTasks } from '../helpers/langgraph.js';
import { ordeal, root, tempDir } from '../helpers/cli.js';
import { clockJumpArgs, expectClockJumped, retryAfterJump } from '../helpers/clock.js';
import { faketimePreload } from '../../harness/engines/faketime.js';
import { enginesRoot } from '../../harness/engines/index.js';

interface Case {
  scenario: string;
  valid: boolean;
  runDir: string;
  checks: Record<string, { valid: boolean; anomalies: { kind: string; message: string }[] }>;
}

const { installed, skipReason } = engineInstalled('python');
const skewable = faketimePreload(enginesRoot(root)) !== undefined;
if (!installed) console.warn(`langgraph-py e2e skipped: ${skipReason}`);
const historyText = (dir: string) => readFileSync(join(dir, 'history.jsonl'), 'utf8');
const run = (args: string[], env?: NodeJS.ProcessEnv) => runOne<Case>(['--adapter', 'langgraph-py', ...args], env);
const refundKill = ['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1'];
/** The graph's key: thread id, the ToolNode task's checkpoint namespace, the tool call id from the checkpointed AIMessage. */
const graphKey = /^lg:thread-.+:tools:[0-9a-f-]{36}:call_/;
/** `pg` has no types here: a string keeps the compiler from looking for them. */
const PG: string = 'pg';
const pgUrl = process.env.ORDEAL_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:55432/ordeal';
const pgAnswers = await (async () => {
  const pg = ((await import(PG)) as { default: { Client: new (o: object) => { connect(): Promise<void>; end(): Promise<void> } } }).default;
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    console.warn(`langgraph-py postgres case skipped: no PostgreSQL answers at ${pgUrl} (run scripts/postgres.sh, or npm run test:full)`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
})();

describe.skipIf(!installed)('ordeal run --adapter langgraph-py (LangGraph Python: StateGraph, ToolNode, interrupt(), SqliteSaver)', () => {
  it('refunds twice when the worker dies after the refund and tools send no idempotency key', async () => {
    const { code, c } = await run([...refundKill, '--idempotency', 'none']);
    expect(code).toBe(1);
    expectRefundTwice(c);
  });

  it('re-runs the tools superstep after the kill, and the world deduplicates it by the checkpointed task and tool call', async () => {
    const { code, c } = await run([...refundKill, '--idempotency', 'framework']);
    expect(code).toBe(0);
    expectRefundDeduplicated(c, graphKey);
    expect(historyText(c.runDir)).toContain('"signal":"SIGKILL"');
    expect(existsSync(join(c.runDir, 'data/checkpoints.sqlite'))).toBe(true);
  });

  it.skipIf(!skewable)(
    'clock-jump: the Python worker backs off its retry and goes on, and the commands it runs see the clock an hour ahead',
    async () => {
      // the RetryPolicy's time.sleep failed with EINVAL under a bare libfaketime 0.9.10 (see harness/faults/monotonic-sleep.c)
      const { code, stderr, c } = await run([...clockJumpArgs, ...retryAfterJump]);
      expect(code, stderr).toBe(0);
      expectClockJumped(c.runDir);
    },
  );

  it('re-runs a superstep that crashed its worker without counting it against the RetryPolicy: 5 crashes, and a 6th attempt', async () => {
    const { c } = await run(['--scenario', 'refund-agent', '--fault', 'crash-loop@before-effect:1,times=5']);
    expectRetriedBeyondPolicy(c, 5);
  });

  it('the Python worker spans join the case trace: GenAI names, the idempotency key on the effect span, tokens on chat spans', async () => {
    const { code, c } = await run(['--scenario', 'refund-agent']);
    expect(code).toBe(0);
    const all = spans(c.runDir);
    const worker = all.filter((s) => s.resource['service.name'] === 'ordeal-worker-langgraph-py');
    expect(new Set(all.map((s) => s.traceId)).size).toBe(1);
    expect(worker.map((s) => s.name)).toEqual(
      expect.arrayContaining(['invoke_agent ordeal-agent', 'chat ordeal-scripted', 'execute_tool refund', 'execute_tool request_approval']),
    );
    const refund = worker.find((s) => s.name === 'execute_tool refund')!;
    expect(refund.attributes['ordeal.idempotency_key']).toBe(refundEntries(c.runDir)[0]!.key);
    expect(refund.attributes['gen_ai.tool.name']).toBe('refund');
    expect(worker.find((s) => s.name === 'chat ordeal-scripted')!.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
  });
});

describe.skipIf(!installed)('langgraph-py variants', () => {
  it('functional API: a task result is saved in the background, so the re-sent refund keeps its key only when the model task was saved first', async () => {
    const { code, c } = await run([...refundKill, '--opt', 'api=functional']);
    // LangGraph Python saves a task's writes on a background executor (put_writes is submitted, in every durability
    // mode), while the entrypoint goes on to its next task: a kill right after the refund may come before the write of
    // the model call that asked for it. Which side of that race this run fell on is in its history.
    const ops = history(c.runDir);
    const refundAt = ops.findIndex((o) => o.f === 'effect' && o.type === 'invoke' && (o.value as { type?: string }).type === 'refund');
    const asked = ops
      .slice(0, refundAt)
      .filter((o) => o.f === 'llm' && o.type === 'ok')
      .at(-1)!;
    const turn = (asked.value as { turn: number }).turn;
    const askedAgain = ops.some(
      (o) => o.f === 'llm' && o.type === 'invoke' && o.process === 'worker#2' && (o.value as { turn: number }).turn === turn,
    );
    if (!askedAgain) {
      // the model task's write landed: the restarted entrypoint answers it from the checkpoint, the same call id, the same key
      expect(code).toBe(0);
      expectRefundDeduplicated(c, /^lg:thread-.+:agent:[0-9a-f-]{36}\|call_tool:[0-9a-f-]{36}:call_/);
      expect(historyText(c.runDir)).toContain('"channels":["__return__"]');
    } else {
      // it had not: the first worker journaled nothing after that answer, the model was asked again (a new call id), and
      // the refund went out a second time under a new key, which exactly-once-effects names
      const killed = ops.findIndex((o) => o.f === 'death' && o.process === 'worker#1');
      expect(
        ops.slice(ops.indexOf(asked), killed).filter((o) => o.f === 'probe' && (o.value as { point?: string }).point === 'step:journaled'),
      ).toEqual([]);
      expect(code).toBe(1);
      const refunds = refundEntries(c.runDir);
      expect(refunds.map((e) => e.outcome)).toEqual(['applied', 'applied']);
      expect(refunds[1]!.key).not.toBe(refunds[0]!.key);
      expect(c.checks['exactly-once-effects']!.anomalies.map((a) => a.kind)).toContain('duplicate');
    }
  });

  it.skipIf(!pgAnswers)('PostgresSaver: resumes after a kill right after the refund, without a SQLite file', async () => {
    const { code, c } = await run([...refundKill, '--opt', 'store=postgres', '--opt', `postgresUrl=${pgUrl}`]);
    expect(code).toBe(0);
    expect(existsSync(join(c.runDir, 'data/checkpoints.sqlite'))).toBe(false);
    expectRefundDeduplicated(c, graphKey);
  });

  it('durability=exit: nothing after the approval was checkpointed, so the refund goes out twice under new keys', async () => {
    const { code, c } = await run([...refundKill, '--opt', 'durability=exit']);
    expect(code).toBe(1);
    const refunds = refundEntries(c.runDir);
    expect(refunds.map((e) => e.outcome)).toEqual(['applied', 'applied']);
    expect(refunds[0]!.key).not.toBe(refunds[1]!.key);
    expect(c.checks['exactly-once-effects']!.anomalies.map((a) => a.kind)).toContain('duplicate');
  });

  it('rejects an unknown option value with exit 2, naming the option and the allowed values', async () => {
    const r = await ordeal(['run', '--adapter', 'langgraph-py', '--scenario', 'refund-agent', '--opt', 'toolCalls=parallel', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--opt toolCalls=parallel: expected concurrent or sequential');
  });
});

describe('langgraph-py without its engine', () => {
  it('exits 3 naming the install command when the python engine is not installed', async () => {
    const r = await ordeal(['run', '--adapter', 'langgraph-py', '--scenario', 'refund-agent', '--out', tempDir()], {
      env: { ...process.env, ORDEAL_ENGINES_DIR: tempDir('ordeal-no-engines-') },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ordeal engines install python');
  });
});

/** Reproductions of problems reported against LangGraph (Python), as scenarios beside the adapter. */
describe.skipIf(!installed)("langgraph-py: LangGraph's reported problems", () => {
  const scenario = (name: string) => join(import.meta.dirname, '../../adapters/langgraph-py/scenarios', `${name}.json`);

  it('#7417: a long tool call runs again after a kill where its result was not journaled (durability=exit), not where its own task was', async () => {
    const args = ['--scenario', scenario('long-tool-call'), '--fault', 'kill-worker@after-effect:1', '--opt', 'toolCalls=sequential'];
    // one task per call: the build's task wrote its result before the ticket update started, so only the ticket update runs again
    const journaled = await run(args);
    expect(journaled.code, JSON.stringify(journaled.c.checks)).toBe(0);
    expect(readFileSync(join(journaled.c.runDir, 'workspace/build.log'), 'utf8')).toBe('build-started\nbuild-finished\n');
    // the ticket update was re-sent with the same checkpointed key, so the world applied it once
    expect(ledger(journaled.c.runDir).map((e) => e.outcome)).toEqual(['applied', 'deduplicated']);
    // durability=exit journals nothing before the thread pauses or ends: the finished build runs again after the kill
    const atExit = await run([...args, '--opt', 'durability=exit']);
    expect(atExit.code).toBe(1);
    expect(readFileSync(join(atExit.c.runDir, 'workspace/build.log'), 'utf8')).toBe('build-started\nbuild-finished\nbuild-started\nbuild-finished\n');
    expect(atExit.c.checks['workspace-integrity']!.valid).toBe(false);
  });

  it('an approval beside an effect in one turn: the refund runs in its own task before the approval, so resuming sends it once even without keys', async () => {
    const out = tempDir();
    const calm = join(out, 'calm.json');
    writeFileSync(calm, '[]');
    for (const api of ['graph', 'functional']) {
      const none = await run(['--scenario', scenario('approval-beside-effect'), '--schedule', calm, '--idempotency', 'none', '--opt', `api=${api}`]);
      expect(none.code, api).toBe(0);
      expect(
        refundEntries(none.c.runDir).map((e) => e.outcome),
        api,
      ).toEqual(['applied']);
      // the barrier: the refund went out before the approval was requested
      const h = history(none.c.runDir);
      const refund = h.findIndex((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042');
      const requested = h.findIndex((o) => o.f === 'approval' && o.value.event === 'requested');
      expect(refund, api).toBeGreaterThanOrEqual(0);
      expect(refund, api).toBeLessThan(requested);
    }
  });

  // langgraph #6792: run as a subgraph, an agent re-ran on resume the tasks it had finished before its interrupt. On
  // langgraph 1.2.11 this case asked the model again and refunded twice (a new tool call id, so a new key); on the pinned version it does neither.
  it('#6792: the agent as a subgraph (nesting=subgraph) reuses on resume the tasks it finished before its approval, on both APIs', async () => {
    await expectSubgraphResumeReusesTasks(run, 'call_tool');
  });

  it('#7780: two approvals in one turn (interrupt() in a loop), each now its own task, are each answered by id, also after a kill while waiting', async () => {
    const { code, c } = await run(['--scenario', scenario('approval-loop'), '--fault', 'kill-worker@approval:waiting']);
    expect(code, JSON.stringify(c.checks)).toBe(0);
    expect(ledger(c.runDir).map((e) => [e.effect, e.outcome])).toEqual(
      expect.arrayContaining([
        ['refund:order-1042', 'applied'],
        ['refund:order-1043', 'applied'],
      ]),
    );
    expect(historyText(c.runDir).match(/"event":"decided"/g)!.length).toBeGreaterThanOrEqual(2);
  });
});
