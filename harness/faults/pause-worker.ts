import { intParam, onlyParams } from './params.js';
import type { Fault } from './types.js';

/** SIGSTOP the worker at the trigger and SIGCONT it `ms` later: a frozen process, not a dead one. */
export const pauseWorker: Fault = {
  name: 'pause-worker',
  description: 'SIGSTOP the worker at the trigger, SIGCONT it after ms (default 1000): a frozen process, not a dead one',
  params: { ms: { type: 'integer', min: 100, max: 2000 } },
  validate(spec) {
    onlyParams(spec, ['ms']);
    intParam(spec, 'ms', 1000, 1);
  },
  async fire(ctx, spec) {
    const ms = intParam(spec, 'ms', 1000, 1);
    ctx.pauseWorker();
    return {
      release: { type: 'continue' },
      after: async () => {
        await ctx.sleep(ms);
        ctx.resumeWorker();
      },
    };
  },
};
