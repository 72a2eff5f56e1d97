/** The time of history records: one clock for the orchestrator and every process it starts. */
import { performance } from 'node:perf_hooks';

/**
 * Epoch milliseconds = anchor wall time + the monotonic clock's advance since the anchor. Each process's own
 * `performance.timeOrigin` is read from the wall clock once, when it starts, so two processes' clocks differ by however
 * far the wall clock was slewed in between (milliseconds on a busy CI machine): enough to put a worker's request,
 * stamped by the world, after the orchestrator's record of the fault that request triggered. The first process to load
 * this module fixes the anchor and passes it on in `ORDEAL_CLOCK` (`<wall ms>:<monotonic ns>`); its children inherit the
 * environment and read the same CLOCK_MONOTONIC, so every `time` in a history is on one scale.
 */
const ENV = 'ORDEAL_CLOCK';

function anchor(): { wall: number; mono: bigint } {
  const m = /^(\d+(?:\.\d+)?):(\d+)$/.exec(process.env[ENV] ?? '');
  if (m) return { wall: Number(m[1]), mono: BigInt(m[2]!) };
  const a = { wall: performance.timeOrigin + performance.now(), mono: process.hrtime.bigint() };
  process.env[ENV] = `${a.wall}:${a.mono}`;
  return a;
}

const { wall, mono } = anchor();

/** Epoch milliseconds with sub-millisecond precision: the `time` of every history op (world and orchestrator alike). */
export function now(): number {
  return wall + Number(process.hrtime.bigint() - mono) / 1e6;
}
