import { describe, expect, it } from 'vitest';
import { deriveMetrics, recoveries } from '../../../../harness/telemetry/index.js';
import { quantile } from '../../../../harness/stats.js';
import type { Op, SpanRecord } from '../../../../harness/store/index.js';

let index = 0;
const op = (time: number, process: string, f: string, type: Op['type'], value: Record<string, unknown> = {}, id?: string): Op => ({ index: index++, time, process, f, type, value, ...(id ? { id } : {}) });

const span = (pid: number, step: number, attempt: number, startMs: number, endMs: number, extra: Record<string, unknown> = {}): SpanRecord => ({
  traceId: 't1',
  spanId: `s${pid}-${step}-${attempt}-${startMs}`,
  name: 'execute_tool x',
  startTimeUnixNano: String(BigInt(startMs) * 1_000_000n),
  endTimeUnixNano: String(BigInt(endMs) * 1_000_000n),
  attributes: { 'ordeal.step': step, 'ordeal.attempt': attempt, 'ordeal.replayed': false, ...extra },
  resource: { 'service.name': 'w', 'process.pid': pid },
});

describe('telemetry metrics', () => {
  it('measures recovery from a fault kill to the next worker progress, and ignores the stop at the end of the case', () => {
    const history = [
      op(0, 'worker#1', 'start', 'info', { pid: 1 }),
      op(100, 'nemesis', 'fault', 'invoke', { fault: 'kill-worker' }, 'fault-0'),
      op(110, 'worker#1', 'death', 'info', { pid: 1, signal: 'SIGKILL', expected: true }),
      op(120, 'worker#2', 'start', 'info', { pid: 2 }),
      op(121, 'nemesis', 'fault', 'ok', { fault: 'kill-worker' }, 'fault-0'),
      op(300, 'worker#2', 'probe', 'info', { point: 'worker:ready' }),
      op(350, 'worker#2', 'probe', 'info', { point: 'tool:before', step: 3, attempt: 2 }),
      op(900, 'worker#2', 'death', 'info', { pid: 2, code: 0, expected: true }),
    ];
    expect(recoveries(history)).toEqual([{ process: 'worker#1', killedAt: 110, restartedAt: 120, progressAt: 350, recoveryMs: 240 }]);
    expect(deriveMetrics({ history, spans: [] })).toMatchObject({ recoveries: 1, recoveryMs: 240 });
  });

  it('counts a crash that never recovered as unrecovered', () => {
    const history = [op(0, 'worker#1', 'start', 'info', { pid: 1 }), op(50, 'worker#1', 'death', 'info', { pid: 1, code: 1, expected: false })];
    const m = deriveMetrics({ history, spans: [] });
    expect(m.recoveries).toBe(1);
    expect(m.unrecovered).toBe(1);
    expect(m.recoveryMs).toBeUndefined();
  });

  it('tells retries in one process from steps re-executed by the next incarnation', () => {
    const spans = [
      span(1, 0, 1, 0, 10),
      span(1, 1, 1, 10, 20, { 'error.type': 'WorldHttpError' }),
      span(1, 1, 2, 30, 40), // retried by the same process after a failure
      span(2, 2, 2, 100, 130), // attempt 1 died with worker 1: redone by worker 2
      { ...span(2, 0, 1, 99, 99), attributes: { 'ordeal.step': 0, 'ordeal.attempt': 1, 'ordeal.replayed': true } },
    ];
    const m = deriveMetrics({ history: [], spans });
    expect(m).toMatchObject({ retries: 1, reexecutedSteps: 1, replayedSteps: 1, stepSpans: 4, stepLatencyP50Ms: 10, stepLatencyP99Ms: 30 });
  });

  it('counts model calls for answered turns and the tokens spent again, and the time waiting for approval', () => {
    const history = [
      op(0, 'worker#1', 'llm', 'invoke', { turn: 0, promptTokens: 20 }, 'llm-1'),
      op(1, 'worker#1', 'llm', 'ok', { turn: 0, promptTokens: 20, completionTokens: 5 }, 'llm-1'),
      op(2, 'worker#2', 'llm', 'invoke', { turn: 0, promptTokens: 20 }, 'llm-2'),
      op(3, 'worker#2', 'llm', 'ok', { turn: 0, promptTokens: 20, completionTokens: 5 }, 'llm-2'),
      op(10, 'worker#2', 'approval', 'info', { event: 'requested', id: 'a' }),
      op(260, 'human', 'approval', 'info', { event: 'decided', id: 'a', approved: true }),
    ];
    expect(deriveMetrics({ history, spans: [] })).toMatchObject({ modelCalls: 2, repeatedModelCalls: 1, respentTokens: 25, approvalWaitMs: 250 });
  });

  it('takes quantiles by nearest rank', () => {
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99)).toBe(99);
  });
});
