/** How much was redone after recovery: re-executed steps, repeated model calls, tokens re-spent (ARCHITECTURE.md § Checker contract). */
import { textOf } from '../json.js';
import type { Op, RunRecord } from '../store/types.js';
import type { Checker, CheckResult } from './types.js';
import { indexOf, num, opsOf, valueOf } from './util.js';

/** Probe points where a step starts doing real work. */
const WORK_POINTS = new Set(['tool:before', 'llm:before']);

/** Model calls, from the world's `llm` ops: how many, for how many turns, and which came for a turn already answered. */
export interface ModelCalls {
  calls: number;
  /** Turns answered: the calls a run without repeats makes. */
  answeredTurns: number;
  /** The invoke ops (history indexes) of calls for a turn already answered. */
  repeated: number[];
  /** Tokens those calls spent again (prompt and completion). */
  respentTokens: number;
}

/** The repeated-model-call measure, computed once for the checker, the gate (`wasted-work.repeatedLlmCalls`) and reports. */
export function modelCalls(history: unknown): ModelCalls {
  const ops = opsOf(history);
  const completions = new Map<string, Record<string, unknown>>();
  for (const op of ops) if (op.f === 'llm' && op.type !== 'invoke' && typeof op.id === 'string') completions.set(op.id, valueOf(op));
  const answered = new Set<string>();
  const repeated: number[] = [];
  let calls = 0;
  let respentTokens = 0;
  ops.forEach((op, position) => {
    if (op.f !== 'llm') return;
    const v = valueOf(op);
    if (op.type === 'invoke') {
      calls++;
      if (!answered.has(textOf(v.turn))) return;
      repeated.push(indexOf(op, position));
      const done = typeof op.id === 'string' ? completions.get(op.id) : undefined;
      respentTokens += (num(done?.promptTokens) ?? num(v.promptTokens) ?? 0) + (num(done?.completionTokens) ?? 0);
    } else if (op.type === 'ok' && v.turn !== undefined) answered.add(textOf(v.turn));
  });
  return { calls, answeredTurns: answered.size, repeated, respentTokens };
}

/** Steps run again (the probe ops of each extra execution), and worker starts. */
function redone(history: Op[]): { reexecuted: number[]; workerStarts: number } {
  const executions = new Map<string, number>();
  const reexecuted: number[] = [];
  let workerStarts = 0;
  history.forEach((op, position) => {
    const v = valueOf(op);
    if (op.f === 'probe' && WORK_POINTS.has(String(v.point)) && v.step !== undefined && v.step !== null) {
      // A probe replayed from the journal did no work; only real executions count.
      if (v.replayed === true) return;
      // a step's identity: its number, and the durable key the adapter names it by when it has one (the tasks of one
      // LangGraph superstep share its number, each under a key of its own that a re-execution keeps)
      const detail = v.detail as { key?: unknown } | undefined;
      const key = `${String(v.point)}|${textOf(v.step)}${typeof detail?.key === 'string' ? `|${detail.key}` : ''}`;
      const seen = executions.get(key) ?? 0;
      if (seen > 0) reexecuted.push(indexOf(op, position));
      executions.set(key, seen + 1);
    } else if (op.f === 'start' && typeof op.process === 'string' && op.process.startsWith('worker')) {
      workerStarts++;
    }
  });
  return { reexecuted, workerStarts };
}

/** The wasted-work checker: it measures (bounds on its metrics are the gate's thresholds) and is always valid. */
export const wastedWork: Checker = {
  name: 'wasted-work',
  metrics: ['llmCalls', 'expectedLlmCalls', 'repeatedLlmCalls', 'respentTokens', 'reexecutedSteps', 'workerRestarts'],
  description: 'How much work was redone after recovery: re-executed steps, repeated model calls, re-spent tokens.',
  check(run: RunRecord): CheckResult {
    const history = opsOf(run?.history);
    const llm = modelCalls(history);
    const { reexecuted, workerStarts } = redone(history);
    return {
      valid: true,
      anomalies: [],
      metrics: {
        llmCalls: llm.calls,
        expectedLlmCalls: llm.answeredTurns,
        repeatedLlmCalls: llm.repeated.length,
        respentTokens: llm.respentTokens,
        reexecutedSteps: reexecuted.length,
        workerRestarts: Math.max(0, workerStarts - 1),
      },
    };
  },
};
