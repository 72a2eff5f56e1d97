/** The orchestrator's clock for history ops: epoch milliseconds with sub-millisecond precision. */
export const now = (): number => performance.timeOrigin + performance.now();
