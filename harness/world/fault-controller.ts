/** Armed triggers and held requests: the world stops a request at an exact point until the orchestrator releases it. */
import { formatTrigger, type WorldTrigger } from '../faults/trigger.js';
import { isRecord } from '../json.js';
import type { ArmedFault, FromWorld, ReleaseAction } from './protocol.js';

export type TriggerKind = WorldTrigger['kind'];

/** The per-run counters triggers count on (across worker restarts). */
export interface TriggerCounters {
  effect: number;
  llm: number;
  step: number;
  shell: number;
  approval: number;
}

const CONTINUE: ReleaseAction = { type: 'continue' };

export class FaultController {
  readonly counters: TriggerCounters = { effect: 0, llm: 0, step: 0, shell: 0, approval: 0 };
  /** `firings`: how often it fired; `call`: the logical call its first firing held (a repeating fault fires on it again). */
  private readonly armed: { fault: ArmedFault; fired: boolean; firings: number; call?: string }[] = [];
  private readonly holds = new Map<number, { faultIndex: number; resolve: (a: ReleaseAction) => void }>();
  private nextHoldId = 0;
  private closed = false;

  constructor(private readonly send: (m: FromWorld) => void) {}

  /** Adds faults; each fires once, or `times` times on the same logical call. */
  arm(faults: ArmedFault[]): void {
    for (const fault of faults) this.armed.push({ fault, fired: false, firings: 0 });
  }

  /** Counts one occurrence and returns its 1-based number. */
  count(counter: keyof TriggerCounters): number {
    return ++this.counters[counter];
  }

  /**
   * A point where a request may be held: every armed fault matching (kind, n) fires here, in arming order.
   * `continue` and `delay` go on to the next matching fault; any other action ends the checkpoint and is returned.
   * `call` names the logical call the request makes (an effect's id, `llm:turn-2`): a fault that fires more than once
   * fires again on a later request of the same kind for the same call.
   */
  async checkpoint(kind: TriggerKind, n: number | null, pid: number | null, detail: Record<string, unknown>, call?: string): Promise<ReleaseAction> {
    for (const a of this.armed) {
      const again = a.fired && a.firings < (a.fault.times ?? 1) && a.fault.trigger.kind === kind && a.call !== undefined && a.call === call;
      if (!again && (a.fired || !matches(a.fault.trigger, kind, n))) continue;
      if (!a.fired) a.call = call;
      a.fired = true;
      a.firings++;
      const firing = (a.fault.times ?? 1) > 1 ? { firing: a.firings, ...(call !== undefined ? { heldCall: call } : {}) } : {};
      const action = await this.hold(a.fault.index, pid, { trigger: formatTrigger(a.fault.trigger), ...firing, ...detail });
      if (action.type === 'delay') await sleep(action.ms);
      else if (action.type !== 'continue') return action;
    }
    return CONTINUE;
  }

  /** Releases a held request; unknown or already released ids are ignored (returns false). */
  release(holdId: number, action: ReleaseAction): boolean {
    const h = this.holds.get(holdId);
    if (!h) return false;
    this.holds.delete(holdId);
    h.resolve(normalize(action));
    return true;
  }

  /** On shutdown: every held request is dropped, later holds are not waited for. */
  close(): void {
    this.closed = true;
    for (const id of [...this.holds.keys()]) this.release(id, { type: 'drop' });
  }

  snapshot(): { armed: { index: number; trigger: string; fired: boolean; firings: number }[]; held: { holdId: number; faultIndex: number }[] } {
    return {
      armed: this.armed.map((a) => ({ index: a.fault.index, trigger: formatTrigger(a.fault.trigger), fired: a.fired, firings: a.firings })),
      held: [...this.holds].map(([holdId, h]) => ({ holdId, faultIndex: h.faultIndex })),
    };
  }

  private hold(faultIndex: number, pid: number | null, detail: Record<string, unknown>): Promise<ReleaseAction> {
    if (this.closed) return Promise.resolve({ type: 'drop' });
    const holdId = ++this.nextHoldId;
    return new Promise((resolve) => {
      this.holds.set(holdId, { faultIndex, resolve });
      this.send({ kind: 'trigger', holdId, faultIndex, pid, detail });
    });
  }
}

function matches(t: WorldTrigger, kind: TriggerKind, n: number | null): boolean {
  if (t.kind !== kind) return false;
  return t.kind === 'approval' ? true : t.n === n;
}

/** A malformed release from the orchestrator must not crash a handler: unknown actions mean continue. */
function normalize(a: ReleaseAction): ReleaseAction {
  if (!isRecord(a)) return CONTINUE;
  switch (a.type) {
    case 'continue':
    case 'drop':
    case 'reset':
    case 'break':
    case 'replan':
      return a;
    case 'partial':
      return { type: 'partial', k: Number.isInteger(a.k) && a.k >= 0 ? a.k : 0 };
    case 'delay':
      return { type: 'delay', ms: Number.isFinite(a.ms) && a.ms > 0 ? a.ms : 0 };
    case 'error':
      return Number.isInteger(a.status) && a.status >= 100 && a.status <= 599 ? a : { ...a, status: 500 };
    default:
      return CONTINUE;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
