import { MAX_DELAY_MS, type ParamSpec } from './types.js';

/** How long a killed process stays down before it is started again (kill-worker, kill-engine). */
export const restartAfterMs = {
  type: 'integer',
  min: 0,
  max: MAX_DELAY_MS,
  default: 0,
  unit: 'ms',
  doc: 'how long the killed process stays down before it is restarted',
} as const satisfies ParamSpec;
