/** The run reached its expected outcome once faults stopped; otherwise it is stuck or failed (ARCHITECTURE.md § Checker contract). */
import type { Op, RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { expectationOf, whenRejected } from './expectation.js';
import { clip, indexOf, isRecord, num, opsOf } from './util.js';

/** Milliseconds from the first op to the outcome op (or the last op when there is none). */
function duration(history: Op[]): { metrics: Record<string, number>; outcomeOp: number[] } {
  const timed = history.map((op, position) => ({ op, position, time: num(op.time) })).filter((x) => x.time !== undefined);
  const first = timed[0];
  if (!first) return { metrics: {}, outcomeOp: [] };
  const outcome = [...timed].reverse().find((x) => x.op.f === 'outcome');
  const end = outcome ?? timed[timed.length - 1]!;
  return {
    metrics: { durationMs: Math.max(0, end.time! - first.time!) },
    outcomeOp: outcome ? [indexOf(outcome.op, outcome.position)] : [],
  };
}

function check(run: RunRecord): CheckResult {
  const { metrics, outcomeOp } = duration(opsOf(run?.history));
  const witnesses = outcomeOp.length > 0 ? { ops: outcomeOp } : {};
  const result = (valid: CheckResult['valid'], anomaly?: Anomaly): CheckResult => ({
    valid,
    anomalies: anomaly ? [anomaly] : [],
    metrics,
  });

  if (run?.complete === false) {
    return result('unknown', {
      kind: 'incomplete-run',
      message: 'The run folder was left unfinished (the harness stopped before the run ended), so whether the run completed is unknown.',
      witnesses,
    });
  }

  const outcome: unknown = run?.outcome;
  const status = isRecord(outcome) ? outcome.status : undefined;
  if (status === 'running') {
    const waited =
      typeof run?.info?.timeoutMs === 'number' ? ` after ${run.info.timeoutMs} ms (the case's timeout: --timeout, else the adapter's)` : '';
    return result(false, { kind: 'stuck', message: `The run had not finished when the harness stopped waiting${waited}.`, witnesses });
  }
  if (status === 'failed' && expectationOf(run).spent) return result(true);
  if (status === 'failed') {
    const error = isRecord(outcome) && typeof outcome.error === 'string' && outcome.error ? outcome.error : 'no error message';
    return result(false, { kind: 'failed', message: `The run failed with the error ${JSON.stringify(clip(error, 200))}.`, witnesses });
  }
  if (status !== 'completed') {
    return result('unknown', {
      kind: 'no-outcome',
      message: 'The run folder records no outcome, so whether the run completed is unknown.',
      witnesses,
    });
  }

  const answer = isRecord(outcome) && typeof outcome.answer === 'string' ? outcome.answer : '';
  const expectation = expectationOf(run);
  const wanted = expectation.answer;
  if (typeof wanted === 'string' && wanted !== '' && !answer.includes(wanted)) {
    return result(false, {
      kind: 'wrong-answer',
      message: `The final answer should contain ${JSON.stringify(wanted)}${whenRejected(expectation)} but was ${JSON.stringify(clip(answer, 120))}.`,
      witnesses,
    });
  }
  return result(true);
}

export const completion: Checker = {
  name: 'completion',
  metrics: ['durationMs'],
  description: 'The run finished with the expected final answer instead of failing or getting stuck.',
  check,
};
