import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { modelCalls, wastedWork } from '../../../../harness/checks/wasted-work.js';
import type { RunRecord } from '../../../../harness/store/types.js';
import { run } from './fixtures.js';

/** A run killed after turn 1 was answered: the restarted worker asks turn 1 again and reruns its tool step. */
function killedRun(opts: { replayed?: boolean } = {}) {
  return run()
    .start()
    .probe('llm:before', 'llm-0')
    .llm(0, { prompt: 100, completion: 10 })
    .probe('tool:before', 'tool-0')
    .probe('llm:before', 'llm-1')
    .llm(1, { prompt: 200, completion: 30 })
    .kill()
    .start()
    .probe('llm:before', 'llm-0', { replayed: true })
    .probe('llm:before', 'llm-1', { attempt: 2, replayed: opts.replayed ?? false })
    .llm(1, { prompt: 200, completion: 40 })
    .probe('tool:before', 'tool-1')
    .llm(2, { prompt: 300, completion: 5, answered: false }) // killed mid-call, then retried
    .llm(2, { prompt: 300, completion: 5 })
    .build();
}

describe('wasted-work', () => {
  it('measures repeated model calls, re-spent tokens, re-executed steps and restarts', () => {
    const res = wastedWork.check(killedRun());
    expect(res).toEqual({
      valid: true,
      anomalies: [],
      metrics: {
        llmCalls: 5,
        expectedLlmCalls: 3,
        repeatedLlmCalls: 1,
        respentTokens: 240,
        reexecutedSteps: 1,
        workerRestarts: 1,
      },
    });
  });

  it('does not count a step replayed from the journal as re-executed', () => {
    expect(wastedWork.check(killedRun({ replayed: true })).metrics.reexecutedSteps).toBe(0);
  });

  it('reports nothing wasted for a run without recovery', () => {
    const r = run().start().probe('llm:before', 0).llm(0).probe('tool:before', 1).llm(1).build();
    const m = wastedWork.check(r).metrics;
    expect([m.repeatedLlmCalls, m.respentTokens, m.reexecutedSteps, m.workerRestarts]).toEqual([0, 0, 0, 0]);
    expect(m.expectedLlmCalls).toBe(2);
  });

  it('counts each extra execution of a step', () => {
    const r = run().probe('tool:before', 's').probe('tool:before', 's').probe('tool:before', 's').build();
    expect(wastedWork.check(r).metrics.reexecutedSteps).toBe(2);
  });

  it('tells apart the tasks of one step by their durable key, and counts a task run again under its key', () => {
    const tool = (key: string) => ({ point: 'tool:before', step: 3, attempt: 1, replayed: false, detail: { name: 'read_resource', key } });
    const r = run().start();
    // two tool calls of one LangGraph superstep (step 3), each its own task
    r.op('probe', 'info', tool('lg:t:tools:a:call_1'));
    r.op('probe', 'info', tool('lg:t:tools:b:call_2'));
    expect(wastedWork.check(r.build()).metrics.reexecutedSteps).toBe(0);
    // after a crash the superstep runs again: the same task, the same key
    r.kill().start();
    r.op('probe', 'info', tool('lg:t:tools:a:call_1'));
    expect(wastedWork.check(r.build()).metrics.reexecutedSteps).toBe(1);
  });

  it('names the repeated model calls by their ops (the proof behind repeatedLlmCalls); bounds are gate thresholds', () => {
    const r = killedRun();
    const measured = modelCalls(r.history);
    expect(measured).toMatchObject({ calls: 5, answeredTurns: 3, respentTokens: 240 });
    expect(measured.repeated).toHaveLength(1);
    expect(r.history[measured.repeated[0]!]).toMatchObject({ f: 'llm', type: 'invoke', value: { turn: 1 }, process: 'worker#2' });
    // however much was redone, the checker measures and stays valid: a gate threshold decides (test/unit/harness/gate)
    expect(wastedWork.check(r).valid).toBe(true);
  });

  it('never throws on a damaged run', () => {
    const res = wastedWork.check({ history: [{ f: 'llm', type: 'invoke' }, null, { f: 'probe', value: 7 }] } as unknown as RunRecord);
    expect(res.valid).toBe(true);
    expect(res.metrics.llmCalls).toBe(1);
  });

  it('property: re-running answered turns adds exactly one repeated call each', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (turns, repeats) => {
        const b = run().start();
        for (let t = 0; t < turns; t++) b.llm(t, { prompt: 10, completion: 1 });
        b.kill().start();
        for (const t of repeats) b.llm(t % turns, { prompt: 10, completion: 1 });
        const m = wastedWork.check(b.build()).metrics;
        expect(m.repeatedLlmCalls).toBe(repeats.length);
        expect(m.respentTokens).toBe(11 * repeats.length);
        expect(m.expectedLlmCalls).toBe(turns);
        expect(m.workerRestarts).toBe(1);
      }),
    );
  });
});
