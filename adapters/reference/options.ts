import { UsageError } from '../../harness/errors.js';

export interface ReferenceOptions {
  synchronous: 'FULL' | 'NORMAL';
  pollMs: number;
}

/** `--opt synchronous=NORMAL --opt pollMs=20`: the reference adapter's knobs. */
export function runtimeOptions(o: Record<string, string>): ReferenceOptions {
  const sync = (o.synchronous ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new UsageError(`--opt synchronous=${o.synchronous}: expected FULL or NORMAL`, 'ORD-110');
  const pollMs = Number(o.pollMs ?? 20);
  if (!Number.isFinite(pollMs) || pollMs <= 0) throw new UsageError(`--opt pollMs=${o.pollMs}: expected a positive number of milliseconds`, 'ORD-110');
  return { synchronous: sync, pollMs };
}
