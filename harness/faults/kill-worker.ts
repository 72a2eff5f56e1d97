import { restartAfterMs } from './restart.js';
import { defineFault } from './schema.js';

/** SIGKILL the worker at the trigger, then restart it on the same data directory. */
export const killWorker = defineFault({
  name: 'kill-worker',
  description: 'SIGKILL the worker process group at the trigger, drop the held request, restart the worker on the same data',
  params: { restartAfterMs },
  async fire(ctx, p) {
    await ctx.killWorker();
    return {
      release: { type: 'drop' },
      after: async () => {
        if (p.restartAfterMs > 0) await ctx.sleep(p.restartAfterMs);
        await ctx.startWorker();
      },
    };
  },
});
