import { describe, expect, it } from 'vitest';
import { deriveMetrics } from '../../../../harness/telemetry/index.js';
import type { Op, SpanRecord } from '../../../../harness/store/index.js';

let index = 0;
const op = (time: number, process: string, f: string, type: Op['type'], value: Record<string, unknown> = {}, id?: string): Op => ({
  index: index++,
  time,
  process,
  f,
  type,
  value,
  ...(id ? { id } : {}),
});

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

  it('measures the time waiting for approval, and leaves recovery and repeated model calls to the checkers (carried once)', () => {
    const history = [
      op(0, 'worker#1', 'llm', 'invoke', { turn: 0, promptTokens: 20 }, 'llm-1'),
      op(1, 'worker#1', 'llm', 'ok', { turn: 0, promptTokens: 20, completionTokens: 5 }, 'llm-1'),
      op(2, 'worker#2', 'llm', 'invoke', { turn: 0, promptTokens: 20 }, 'llm-2'),
      op(3, 'worker#2', 'llm', 'ok', { turn: 0, promptTokens: 20, completionTokens: 5 }, 'llm-2'),
      op(10, 'worker#2', 'approval', 'info', { event: 'requested', id: 'a' }),
      op(260, 'human', 'approval', 'info', { event: 'decided', id: 'a', approved: true }),
    ];
    const m = deriveMetrics({ history, spans: [] });
    expect(m.approvalWaitMs).toBe(250);
    for (const k of ['modelCalls', 'repeatedModelCalls', 'respentTokens', 'recoveries', 'recoveryMs', 'unrecovered']) expect(m[k], k).toBeUndefined();
  });
});
