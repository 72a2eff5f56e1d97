/** Where a case's wall time went: the harness's own parts and the run, in milliseconds. */
import type { Op } from '../store/index.js';

export interface CasePhases {
  /** The run folder, run.json, the scenario's workspace. */
  folderMs: number;
  /** The world process, from its spawn to its ready message. */
  worldMs: number;
  /** The engine (and Toxiproxy), to its readiness check passing; 0 without one. */
  engineMs: number;
  /** The first worker, from its spawn to its `worker:ready` probe (the framework's start-up and ordeal's). */
  workerReadyMs: number;
  /** From the worker ready (or the submit, for adapters without a ready probe) to the outcome: the agent's run, faults and recoveries. */
  runMs: number;
  /** Stopping worker, engine and world, flushing spans, writing run.json. */
  teardownMs: number;
  /** The checkers on the run folder, verdict.json. */
  judgeMs: number;
  totalMs: number;
}

/** Wall-clock marks taken by runCase (performance.now()). */
export interface PhaseMarks {
  start: number;
  folder?: number;
  world?: number;
  setUp?: number;
  interpreted?: number;
  tornDown?: number;
  judged?: number;
}

/** The phases from the marks, the worker's start-to-ready read from the history (both on the orchestrator's clock). */
export function casePhases(m: PhaseMarks, ops: readonly Op[]): CasePhases {
  const d = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? 0 : Math.max(0, b - a));
  const start = ops.find((op) => op.f === 'start' && op.process.startsWith('worker'));
  const ready = ops.find((op) => op.f === 'probe' && (op.value as { point?: string } | undefined)?.point === 'worker:ready');
  const workerReadyMs = start && ready ? Math.max(0, ready.time - start.time) : 0;
  const interpretMs = d(m.setUp, m.interpreted);
  return {
    folderMs: d(m.start, m.folder),
    worldMs: d(m.folder, m.world),
    engineMs: d(m.world, m.setUp),
    workerReadyMs: Math.min(workerReadyMs, interpretMs),
    runMs: Math.max(0, interpretMs - workerReadyMs),
    teardownMs: d(m.interpreted, m.tornDown),
    judgeMs: d(m.tornDown, m.judged),
    totalMs: d(m.start, m.judged),
  };
}
