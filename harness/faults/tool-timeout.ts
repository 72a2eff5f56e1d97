import { InputError } from '../errors.js';
import type { FaultSpec } from '../store/types.js';
import { intParam, onlyParams } from './params.js';
import type { Fault } from './types.js';

const params = (spec: FaultSpec) => {
  const timeoutMs = intParam(spec, 'timeoutMs', 500, 1);
  const ms = intParam(spec, 'ms', timeoutMs * 3, 1);
  return { timeoutMs, ms };
};

/** The world answers the effect later than the worker's tool timeout; the late request is still applied. */
export const toolTimeout: Fault = {
  name: 'tool-timeout',
  description: "the world answers an effect call ms (default 3×timeoutMs) late, past the worker's tool timeout timeoutMs (default 500); the late call is still applied",
  triggers: ['before-effect', 'after-effect'],
  validate(spec) {
    onlyParams(spec, ['ms', 'timeoutMs']);
    const { timeoutMs, ms } = params(spec);
    if (ms <= timeoutMs)
      throw new InputError(`fault tool-timeout: parameter 'ms' (${ms}) must be larger than 'timeoutMs' (${timeoutMs}), or the call would not time out`, 'ORD-207');
  },
  workerEnv: (spec) => ({ ORDEAL_TOOL_TIMEOUT_MS: String(params(spec).timeoutMs) }),
  async fire(ctx, spec) {
    const { ms } = params(spec);
    // the fault heals once the late answer has gone out
    return { release: { type: 'delay', ms }, after: () => ctx.sleep(ms) };
  },
};
