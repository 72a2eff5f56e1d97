import { defineFault } from './schema.js';
import { MAX_DELAY_MS } from './types.js';

/** SIGSTOP the worker at the trigger and SIGCONT it `ms` later: a frozen process, not a dead one. */
export const pauseWorker = defineFault({
  name: 'pause-worker',
  description: 'SIGSTOP the worker at the trigger, SIGCONT it ms later: a frozen process, not a dead one',
  params: {
    ms: {
      type: 'integer',
      min: 1,
      max: MAX_DELAY_MS,
      default: 1000,
      unit: 'ms',
      draw: { min: 100, max: 2000 },
      doc: 'how long the worker stays stopped',
    },
  },
  async fire(ctx, p) {
    ctx.pauseWorker();
    return {
      release: { type: 'continue' },
      after: async () => {
        await ctx.sleep(p.ms);
        ctx.resumeWorker();
      },
    };
  },
});
