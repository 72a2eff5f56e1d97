/** `--opt mode=durabletask|daprd`: which Dapr workflow engine the adapter runs on. */
import { UsageError } from '../../harness/errors.js';

export type DaprMode = 'durabletask' | 'daprd';

export interface DaprOptions {
  mode: DaprMode;
}

export function daprOptions(o: Record<string, string>): DaprOptions {
  const mode = o.mode ?? 'durabletask';
  if (mode !== 'durabletask' && mode !== 'daprd') {
    throw new UsageError(`--opt mode=${mode}: expected durabletask (the Durable Task sidecar) or daprd (full Dapr)`, 'ORD-110');
  }
  if (mode === 'daprd') {
    // the wrapper module in daprd-build/ builds; starting daprd + placement + scheduler is not wired yet
    throw new UsageError('--opt mode=daprd: full Dapr mode is not available yet (README "Dapr" says what is built and what remains); use mode=durabletask', 'ORD-110');
  }
  return { mode };
}
