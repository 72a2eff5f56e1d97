/** The world's side of its IPC channel: history ops sent to the orchestrator. */
import type { FromWorld, WorldOp } from './protocol.js';
import type { OpType } from '../store/types.js';
import { now } from '../store/time.js';

/** What the world needs from its IPC channel (a forked child's `process`, or a fake in tests). */
export interface WorldChannel {
  send(message: FromWorld): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off?(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Sends history ops to the orchestrator; never throws (a closed channel just drops them). */
export class OpSink {
  private nextId = 0;

  constructor(private readonly send: (m: FromWorld) => void) {}

  /** A fresh id pairing an invoke with its completion, e.g. `effect-3`. */
  id(f: string): string {
    return `${f}-${++this.nextId}`;
  }

  emit(type: OpType, f: string, value: Record<string, unknown>, extra: { pid?: number | null; id?: string; process?: string } = {}): void {
    const op: WorldOp = { time: now(), type, f, value };
    if (extra.pid !== undefined && extra.pid !== null) op.pid = extra.pid;
    if (extra.id !== undefined) op.id = extra.id;
    if (extra.process !== undefined) op.process = extra.process;
    this.send({ kind: 'op', op });
  }
}
