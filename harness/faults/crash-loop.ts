import { restartAfterMs } from './restart.js';
import { defineFault } from './schema.js';

/** How many attempts crash when `times` is not given. */
export const CRASH_LOOP_TIMES = 3;

/**
 * A step that takes its worker down every time it runs (an out-of-memory kill, a crash in native code): the worker is
 * SIGKILLed when the request arrives (an effect before it is applied, a model call before it is answered, a shell
 * command before it runs) and restarted; the world holds the same call again (the same effect type and arguments,
 * whatever its key; the model call of the same turn; the same command) when a later attempt sends it, `times` kills in all. Then the call goes through. A framework that counts each crashed attempt against its retry policy gives up once the policy's
 * attempts are spent; one that does not counts only failures it saw thrown, and retries the crash for ever.
 */
export const crashLoop = defineFault({
  name: 'crash-loop',
  description:
    'SIGKILL the worker when the request arrives (an effect before it is applied, a model call before it is answered, a shell command before it runs) and restart it, again at each later request for the same call, `times` kills in all; then the call goes through',
  triggers: ['before-effect', 'llm-call', 'shell'],
  params: {
    times: {
      type: 'integer',
      min: 1,
      max: 50,
      default: CRASH_LOOP_TIMES,
      draw: { min: 1, max: 4 },
      doc: 'how many attempts of the call crash the worker in a row (a framework whose policy allows fewer attempts fails the run)',
    },
    restartAfterMs,
  },
  times: (p) => p.times,
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
