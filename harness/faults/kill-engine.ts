import { HarnessError } from '../errors.js';
import { onlyParams, strParam } from './params.js';
import type { Fault } from './types.js';

/** SIGKILL the adapter's engine (or, with `target=`, one of its processes) at the trigger, then restart it on the same data directory. */
export const killEngine: Fault = {
  name: 'kill-engine',
  description: "SIGKILL the adapter's engine (server or sidecar) at the trigger and restart it on the same data directory",
  needsEngine: true,
  validate(spec) {
    onlyParams(spec, ['target', 'restartAfterMs']);
    strParam(spec, 'target');
  },
  async fire(ctx, spec) {
    if (!ctx.killEngine || !ctx.startEngine) throw new HarnessError('kill-engine: this adapter has no engine process', 'ORD-305');
    // e.g. target=placement|scheduler|daprd for full Dapr; without it, the engine's main process
    await ctx.killEngine(strParam(spec, 'target'));
    const restartAfterMs = typeof spec.restartAfterMs === 'number' ? spec.restartAfterMs : 0;
    const start = ctx.startEngine;
    return {
      release: { type: 'continue' },
      after: async () => {
        if (restartAfterMs > 0) await ctx.sleep(restartAfterMs);
        await start();
      },
    };
  },
};
