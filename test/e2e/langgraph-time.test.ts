/** deploy on LangGraph.js: version 2 as new graph or entrypoint code, resumed from the thread's checkpoint. */
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';
import { history, refundEntries, runOne, type HistoryOp, failures, type Judged } from '../helpers/run-folder.js';

/** The failing checkers of a case with their anomaly kinds. */

const deploy = (at: string, change: string, ...opts: string[]) =>
  runOne<Judged>(['--adapter', 'langgraph', '--scenario', 'refund-agent', '--fault', `deploy@${at},change=${change}`, ...opts]);
/**
 * The rollout while version 1 waits for the human, who answers 1.5 s later: version 1 cannot move on before its SIGTERM
 * (a rollout lets the held request go on first, so at a step:N trigger version 1 may still run a superstep).
 */
const whileWaiting = ['--fault', 'human-late@approval:waiting,ms=1500'];

/** The deploy:v2 probes: which worker ran which change of version 2 live. */
const v2Probes = (ops: HistoryOp[]) =>
  ops.filter((o) => o.f === 'probe' && o.value.point === 'deploy:v2').map((o) => [o.process, (o.value.detail as { change: string }).change]);
const refundsBy = (ops: HistoryOp[]) =>
  ops.filter((o) => o.f === 'effect' && o.type === 'invoke' && o.value.effect === 'refund:order-1042').map((o) => o.process);
const approvalsRequested = (ops: HistoryOp[]) => ops.filter((o) => o.f === 'approval' && o.value.event === 'requested').map((o) => o.process);

describe('deploy on LangGraph.js (SqliteSaver)', () => {
  it('StateGraph, tools node renamed: the pending Send to the old node is skipped, the thread stops short and the refund is never made', async () => {
    const { code, c } = await deploy('approval:waiting', 'rename-tool', ...whileWaiting);
    expect(code).toBe(1);
    // the run fails promptly (the worker gives up on the thread), with no error from LangGraph naming the change
    expect(failures(c)).toMatchObject({ 'deploy-fate': ['deploy-broken-run'], completion: ['failed'], 'exactly-once-effects': ['lost', 'lost'] });
    expect(c.checks['deploy-fate']!.anomalies[0]!.message).toMatch(
      /did not survive the deploy of version 2 \(change rename-tool\) at approval:waiting: it failed \(langgraph: thread .* has nothing left to run but no final answer: its last checkpoint holds 1 pending Send to node 'tools', which this graph does not have/,
    );
    const ops = history(c.runDir);
    expect(v2Probes(ops)).toEqual([]);
    expect(refundEntries(c.runDir)).toEqual([]);
  });

  it('StateGraph, an audit node: the thread runs on through it, version 2 on the state version 1 left', async () => {
    const { code, c } = await deploy('approval:waiting', 'extra-step', ...whileWaiting);
    expect([code, failures(c)]).toEqual([1, { 'deploy-fate': ['deploy-new-code-on-old-state'] }]);
    const ops = history(c.runDir);
    // version 1's pending Send (the approval) went on as it was; the audit node ran before the refund's and the email's turn
    expect(v2Probes(ops)).toEqual([
      ['worker#2', 'extra-step'],
      ['worker#2', 'extra-step'],
    ]);
    expect(refundsBy(ops)).toEqual(['worker#2']);
  });

  it('a new system prompt: the thread keeps the one its checkpoint holds, so the run keeps the old behaviour', async () => {
    const { code, c } = await deploy('step:3', 'system-prompt');
    expect([code, failures(c)]).toEqual([0, {}]);
    expect(v2Probes(history(c.runDir))).toEqual([]);
  });

  it('functional API, tool task renamed after the refund: the renamed tasks find no cached results, so the human is asked again and the refund is made twice under a new key', async () => {
    // the model's fourth call held: version 1 made the refund and journaled its result before it
    const { code, c } = await deploy('llm-call:4', 'rename-tool', '--opt', 'api=functional');
    expect(code).toBe(1);
    expect(failures(c)['deploy-fate']).toEqual(['deploy-duplicated-work']);
    expect(failures(c)['exactly-once-effects']).toContain('duplicate');
    const ops = history(c.runDir);
    expect(refundsBy(ops)).toEqual(['worker#1', 'worker#2']);
    expect(approvalsRequested(ops)).toEqual(['worker#1', 'worker#2']);
    // under two ids: approval-integrity says the human was asked twice for the one approval
    expect(failures(c)['approval-integrity']).toContain('asked-more-than-once');
    const [first, second] = refundEntries(c.runDir);
    expect([first!.outcome, second!.outcome]).toEqual(['applied', 'applied']);
    expect(first!.key).toMatch(/\|callTool:/);
    expect(second!.key).toMatch(/\|callTool\.v2:/);
  });

  it('functional API, an audit task after the refund: cached results are matched by position, so the approval call gets the refund result and the model refuses the conversation', async () => {
    const { code, c } = await deploy('llm-call:4', 'extra-step', '--opt', 'api=functional');
    expect(code).toBe(1);
    expect(failures(c)['deploy-fate']).toEqual(['deploy-broken-run']);
    expect(c.checks['deploy-fate']!.anomalies[0]!.message).toMatch(
      /it failed \(400 messages\[\d+\]\.tool_call_id "call_3_0" is not one of the tool_calls/,
    );
    const ops = history(c.runDir);
    // the refund stays once: worker#2's approval call was answered with worker#1's refund result, not asked again
    expect(refundsBy(ops)).toEqual(['worker#1']);
    expect(approvalsRequested(ops)).toEqual(['worker#1']);
  });

  it('LangGraph has no versioning tool: --opt versioning=on is refused (exit 2)', async () => {
    const r = await ordeal([
      'run',
      '--adapter',
      'langgraph',
      '--scenario',
      'refund-agent',
      '--fault',
      'deploy@step:3',
      '--opt',
      'versioning=on',
      '--out',
      tempDir(),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--opt versioning: not an option of the langgraph adapter/);
  });
});
