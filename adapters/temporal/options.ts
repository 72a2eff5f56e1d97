/** `--opt startToCloseMs=… --opt heartbeatMs=… --opt scheduleToStartMs=…`: the knobs that shape recovery. */
import { toolCallsOf } from '../../harness/agent/options.js';
import { UsageError } from '../../harness/errors.js';
import type { ActivityTimeouts } from './shared.js';

export interface TemporalOptions extends ActivityTimeouts {
  /** Worker's sticky-queue schedule-to-start timeout (SDK default 10 s). */
  stickyMs: number;
  /** Workflow task timeout (server default 10 s). */
  workflowTaskMs: number;
}

const DEFAULTS: TemporalOptions = {
  startToCloseMs: 60_000,
  heartbeatMs: 10_000,
  scheduleToStartMs: 0,
  retryInitialMs: 1_000,
  maxAttempts: 10,
  stickyMs: 10_000,
  workflowTaskMs: 10_000,
};

export function temporalOptions(o: Record<string, string>): TemporalOptions {
  const out = { ...DEFAULTS };
  toolCallsOf(o); // every adapter's option; not an activity setting
  for (const [k, v] of Object.entries(o)) {
    if (k === 'toolCalls') continue;
    if (!(k in DEFAULTS)) throw new UsageError(`--opt ${k}: unknown Temporal option; expected one of ${[...Object.keys(DEFAULTS), 'toolCalls'].join(', ')}`, 'ORD-110');
    const n = Number(v);
    const min = k === 'heartbeatMs' || k === 'scheduleToStartMs' ? 0 : 1;
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--opt ${k}=${v}: expected an integer ≥ ${min} (milliseconds${k === 'maxAttempts' ? ', or a count' : ''})`, 'ORD-110');
    out[k as keyof TemporalOptions] = n;
  }
  if (out.heartbeatMs > 0 && out.heartbeatMs >= out.startToCloseMs)
    throw new UsageError(`--opt heartbeatMs=${out.heartbeatMs}: must be below startToCloseMs=${out.startToCloseMs} to matter`, 'ORD-110');
  return out;
}
