/** The time of history records. */
import { performance } from 'node:perf_hooks';

/** Epoch milliseconds with sub-millisecond precision: the `time` of every history op (world and orchestrator alike). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
