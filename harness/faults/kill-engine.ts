import { HarnessError } from '../errors.js';
import { restartAfterMs } from './restart.js';
import { defineFault } from './schema.js';

/** SIGKILL the adapter's engine (or, with `target=`, one of its processes) at the trigger, then restart it on the same data directory. */
export const killEngine = defineFault({
  name: 'kill-engine',
  description: "SIGKILL the adapter's engine (server or sidecar) at the trigger and restart it on the same data directory",
  needsEngine: true,
  params: {
    target: {
      type: 'string',
      doc: "one process of a multi-process engine, e.g. placement or scheduler for full Dapr (default: the engine's main process)",
    },
    restartAfterMs,
  },
  async fire(ctx, p) {
    if (!ctx.killEngine || !ctx.startEngine) throw new HarnessError('kill-engine: this adapter has no engine process', 'ORD-305');
    await ctx.killEngine(p.target);
    const start = ctx.startEngine.bind(ctx);
    return {
      release: { type: 'continue' },
      after: async () => {
        if (p.restartAfterMs > 0) await ctx.sleep(p.restartAfterMs);
        await start();
      },
    };
  },
});
