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
  return { mode };
}
