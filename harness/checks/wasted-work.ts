/** How much was redone after recovery: re-executed steps, repeated model calls, tokens re-spent (ARCHITECTURE.md § Checker contract). */
import { InputError } from '../errors.js';
import type { Op, RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { indexOf, num, opsOf, valueOf } from './util.js';

export interface WastedWorkThresholds {
  /** Most steps allowed to run again after recovery. */
  maxReexecutedSteps?: number;
  /** Most model calls allowed for a turn that had already been answered. */
  maxRepeatedLlmCalls?: number;
}

/** Probe points where a step starts doing real work. */
const WORK_POINTS = new Set(['tool:before', 'llm:before']);

interface Measure {
  metrics: Record<string, number>;
  /** Ops that prove each metric, by metric name. */
  proof: { reexecutedSteps: number[]; repeatedLlmCalls: number[] };
}

function measure(history: Op[]): Measure {
  const answered = new Set<string>();
  const completions = new Map<string, Record<string, unknown>>();
  for (const op of history) {
    if (op.f === 'llm' && op.type !== 'invoke' && typeof op.id === 'string') completions.set(op.id, valueOf(op));
  }

  let llmCalls = 0;
  let respentTokens = 0;
  const repeated: number[] = [];
  const executions = new Map<string, number>();
  const reexecuted: number[] = [];
  let workerStarts = 0;

  history.forEach((op, position) => {
    const v = valueOf(op);
    if (op.f === 'llm' && op.type === 'invoke') {
      llmCalls++;
      if (answered.has(String(v.turn))) {
        repeated.push(indexOf(op, position));
        const done = typeof op.id === 'string' ? completions.get(op.id) : undefined;
        respentTokens += (num(done?.promptTokens) ?? num(v.promptTokens) ?? 0) + (num(done?.completionTokens) ?? 0);
      }
    } else if (op.f === 'llm' && op.type === 'ok' && v.turn !== undefined) {
      answered.add(String(v.turn));
    } else if (op.f === 'probe' && WORK_POINTS.has(String(v.point)) && v.step !== undefined && v.step !== null) {
      // A probe replayed from the journal did no work; only real executions count.
      if (v.replayed === true) return;
      const key = `${String(v.point)}|${String(v.step)}`;
      const seen = executions.get(key) ?? 0;
      if (seen > 0) reexecuted.push(indexOf(op, position));
      executions.set(key, seen + 1);
    } else if (op.f === 'start' && typeof op.process === 'string' && op.process.startsWith('worker')) {
      workerStarts++;
    }
  });

  return {
    metrics: {
      llmCalls,
      expectedLlmCalls: answered.size,
      repeatedLlmCalls: repeated.length,
      respentTokens,
      reexecutedSteps: reexecuted.length,
      workerRestarts: Math.max(0, workerStarts - 1),
    },
    proof: { reexecutedSteps: reexecuted, repeatedLlmCalls: repeated },
  };
}

const BOUNDS = [
  ['maxReexecutedSteps', 'reexecutedSteps', 'steps ran again after recovery'],
  ['maxRepeatedLlmCalls', 'repeatedLlmCalls', 'model calls were repeated for turns already answered'],
] as const;

/** The wasted-work checker; with thresholds, passing one makes the run invalid. */
export function wastedWork(thresholds: WastedWorkThresholds = {}): Checker {
  for (const [option] of BOUNDS) {
    const bound = thresholds[option];
    if (bound !== undefined && !(Number.isInteger(bound) && bound >= 0)) {
      throw new InputError(`wasted-work threshold ${option} must be a whole number of at least 0, got ${String(bound)}.`);
    }
  }
  return {
    name: 'wasted-work',
    description: 'How much work was redone after recovery: re-executed steps, repeated model calls, re-spent tokens.',
    check(run: RunRecord): CheckResult {
      const { metrics, proof } = measure(opsOf(run?.history));
      const anomalies: Anomaly[] = [];
      for (const [option, metric, what] of BOUNDS) {
        const bound = thresholds[option];
        const value = metrics[metric] ?? 0;
        if (bound === undefined || value <= bound) continue;
        anomalies.push({
          kind: 'threshold',
          message: `${value} ${what} (${metric} = ${value}), more than the bound ${option} = ${bound}.`,
          witnesses: { ops: proof[metric] },
        });
      }
      return { valid: anomalies.length === 0, anomalies, metrics };
    },
  };
}
