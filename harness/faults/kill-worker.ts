import type { Fault } from './types.js';

/** SIGKILL the worker at the trigger, then restart it on the same data directory. */
export const killWorker: Fault = {
  name: 'kill-worker',
  description: 'SIGKILL the worker process group at the trigger, drop the held request, restart the worker on the same data',
  async fire(ctx, spec) {
    await ctx.killWorker();
    const restartAfterMs = typeof spec.restartAfterMs === 'number' ? spec.restartAfterMs : 0;
    return {
      release: { type: 'drop' },
      after: async () => {
        if (restartAfterMs > 0) await ctx.sleep(restartAfterMs);
        await ctx.startWorker();
      },
    };
  },
};
