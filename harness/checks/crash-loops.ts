/**
 * Calls that crash their worker: for each call a `crash-loop` held (an effect's logical id, a turn's model call, or a
 * shell command), how often the worker was
 * killed on it, how many requests for it reached the world (its attempts) and the attempts the adapter's retry policy
 * allows (`run.json`'s `stepAttempts`, when the adapter declares it); and the call whose every allowed attempt was
 * lost, which makes the run's failure the expected outcome.
 */
import { CRASH_LOOP_TIMES } from '../faults/crash-loop.js';
import type { Op, RunRecord } from '../store/types.js';
import { llmCall, SHELL_LOST, shellCall } from '../world/protocol.js';
import { indexOf, num, opsOf, valueOf } from './util.js';

export interface CrashLoop {
  /** The logical call the crash loops of the schedule held: an effect's id (`refund:order-1042`), `llm:turn-N` or `shell:<command>`. */
  call: string;
  /** The kills they were asked for (`times`, summed over the crash loops that held this call). */
  times: number;
  /** The kills they made: their firings. */
  kills: number;
  /**
   * Requests for the call that reached the world, crashed or not: the history's `effect` (or `llm`) invokes for it, or
   * for a shell command its `shell:before` probes.
   */
  attempts: number;
  /** Those requests' op indexes. */
  attemptOps: number[];
  /** The attempts the adapter's retry policy allows, when it declares them. */
  policy?: number;
}

/** A call whose attempts, as many as the retry policy allows, were all lost before the world applied them. */
export interface SpentCall {
  call: string;
  attempts: number;
  policy: number;
}

/**
 * Ends of a request that leave it without effect and without an answer: the worker was killed on it (dropped), or it was
 * refused before the effect was applied (or, for a shell command's probe, before the command ran).
 */
const LOST = new Set(['dropped-before-apply', 'error-before-apply', 'dropped', 'dropped-before-run', 'error-before-run', 'reset-before-run']);

/**
 * A shell command's attempt (its `shell:before` probe) or the world's note that a fault ended that probe before the
 * command ran (`shell:lost`): the command, and which of the two it is.
 */
function shellProbe(op: Op): { command: string; lost: boolean } | undefined {
  const v = valueOf(op);
  const detail = v.detail as { command?: unknown } | undefined;
  if (op.f !== 'probe' || (v.point !== 'shell:before' && v.point !== SHELL_LOST) || typeof detail?.command !== 'string') return undefined;
  return { command: detail.command, lost: v.point === SHELL_LOST && LOST.has(String(v.reason)) };
}

/** The logical call of an effect or model request's invoke op. */
function callOfInvoke(op: Op): string | undefined {
  const v = valueOf(op);
  if (op.f === 'effect' && typeof v.effect === 'string') return v.effect;
  if (op.f === 'llm' && typeof v.turn === 'number') return llmCall(v.turn);
  return undefined;
}

/** The effect, model and shell requests of the history by logical call: their invoke ops (probes), and how many were lost. */
function requestsByCall(history: Op[]): Map<string, { ops: number[]; lost: number }> {
  const byCall = new Map<string, { ops: number[]; lost: number }>();
  const callOf = new Map<string, string>();
  history.forEach((op, position) => {
    const shell = shellProbe(op);
    if (shell) {
      const r = byCall.get(shellCall(shell.command)) ?? { ops: [], lost: 0 };
      if (shell.lost) r.lost++;
      else r.ops.push(indexOf(op, position));
      byCall.set(shellCall(shell.command), r);
      return;
    }
    if (op.f !== 'effect' && op.f !== 'llm') return;
    const v = valueOf(op);
    const call = op.type === 'invoke' ? callOfInvoke(op) : undefined;
    if (call !== undefined) {
      const r = byCall.get(call) ?? { ops: [], lost: 0 };
      r.ops.push(indexOf(op, position));
      byCall.set(call, r);
      if (typeof op.id === 'string') callOf.set(op.id, call);
    } else if (op.type !== 'invoke' && typeof op.id === 'string' && callOf.has(op.id) && LOST.has(String(v.reason))) {
      byCall.get(callOf.get(op.id)!)!.lost++;
    }
  });
  return byCall;
}

export function crashLoops(run: RunRecord): CrashLoop[] {
  const history = opsOf(run?.history);
  const policy = num(run?.info?.stepAttempts);
  const byCall = new Map<string, CrashLoop>();
  const timesOf = new Map<number, number>();
  for (const op of history) {
    const v = valueOf(op);
    if (op.f !== 'fault' || op.type !== 'invoke' || v.fault !== 'crash-loop' || typeof v.call !== 'string') continue;
    const loop = byCall.get(v.call) ?? { call: v.call, times: 0, kills: 0, attempts: 0, attemptOps: [], ...(policy ? { policy } : {}) };
    loop.kills++;
    const index = num(v.index) ?? -1;
    if (!timesOf.has(index)) {
      timesOf.set(index, num(v.times) ?? CRASH_LOOP_TIMES);
      loop.times += timesOf.get(index)!;
    }
    byCall.set(v.call, loop);
  }
  const requests = requestsByCall(history);
  for (const loop of byCall.values()) {
    loop.attemptOps = requests.get(loop.call)?.ops ?? [];
    loop.attempts = loop.attemptOps.length;
  }
  return [...byCall.values()];
}

/**
 * The call whose attempts, exactly as many as the adapter's retry policy allows, were all lost before being applied
 * (its worker killed on each, by a crash loop or any fault), if any. The framework is then right to fail the step, so
 * the run is expected to fail and the effects it had not applied are not owed (the checkers read it through
 * `expectationOf`).
 */
export function spentCall(run: RunRecord): SpentCall | undefined {
  const policy = num(run?.info?.stepAttempts);
  if (policy === undefined) return undefined;
  for (const [call, r] of requestsByCall(opsOf(run?.history)))
    if (r.ops.length === policy && r.lost === policy) return { call, attempts: policy, policy };
  return undefined;
}
