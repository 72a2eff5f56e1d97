import { InputError } from '../errors.js';
import { defineFault } from './schema.js';
import { MAX_DELAY_MS, type Params } from './types.js';

const params = {
  timeoutMs: { type: 'integer', min: 1, max: MAX_DELAY_MS - 1, default: 500, unit: 'ms', doc: "the worker's tool timeout (ORDEAL_TOOL_TIMEOUT_MS)" },
  ms: {
    type: 'integer',
    min: 2,
    max: MAX_DELAY_MS,
    unit: 'ms',
    doc: 'how late the world answers, more than timeoutMs (default 3×timeoutMs, at most the largest delay)',
  },
} as const;

/** How late the world answers: `ms`, or three times the timeout (at most the longest delay a timer takes). */
const lateMs = (p: Params<typeof params>): number => p.ms ?? Math.min(3 * p.timeoutMs, MAX_DELAY_MS);

/** The world answers the effect later than the worker's tool timeout; the late request is still applied. */
export const toolTimeout = defineFault({
  name: 'tool-timeout',
  description: "the world answers an effect call ms late, past the worker's tool timeout timeoutMs; the late call is still applied",
  triggers: ['before-effect', 'after-effect'],
  params,
  validate(p) {
    if (lateMs(p) <= p.timeoutMs)
      throw new InputError(
        `fault tool-timeout: parameter 'ms' (${lateMs(p)}) must be larger than 'timeoutMs' (${p.timeoutMs}), or the call would not time out`,
        'ORD-207',
      );
  },
  workerEnv: (p) => ({ ORDEAL_TOOL_TIMEOUT_MS: String(p.timeoutMs) }),
  async fire(ctx, p) {
    const ms = lateMs(p);
    // the fault heals once the late answer has gone out
    return { release: { type: 'delay', ms }, after: () => ctx.sleep(ms) };
  },
});
