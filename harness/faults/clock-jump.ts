import { HarnessError } from '../errors.js';
import { FAKETIME_CACHE_S } from './fake-clock.js';
import { defineFault } from './schema.js';

const DAY_MS = 86_400_000;

/** The target's wall clock jumps by `ms` at the trigger (libfaketime's control file), as an NTP step or a VM resumed on another host. */
export const clockJump = defineFault({
  name: 'clock-jump',
  description:
    "the target's wall clock jumps by ms at the trigger and stays moved (libfaketime preloaded into it, its control file changed at run time; " +
    'monotonic clocks do not move); only processes that read the clock through libc can be skewed',
  params: {
    target: {
      type: 'choice',
      values: ['worker', 'engine'],
      default: 'worker',
      doc: "whose clock: the workers', or the engine's (refused for engines libfaketime cannot move, e.g. statically linked Go binaries)",
    },
    ms: {
      type: 'integer',
      min: -DAY_MS,
      max: DAY_MS,
      default: 60_000,
      unit: 'ms',
      draw: { min: -120_000, max: 120_000 },
      doc: 'how far the clock jumps (negative: back in time)',
    },
  },
  async fire(ctx, p) {
    if (!ctx.jumpClock) throw new HarnessError(`clock-jump: the ${p.target}'s clock is not under libfaketime in this case`, 'ORD-332');
    await ctx.jumpClock(p.target, p.ms);
    // the fault holds until the target has re-read the control file, so what follows its ok op sees the jump
    return { release: { type: 'continue' }, after: () => ctx.sleep(FAKETIME_CACHE_S * 1000 + 200) };
  },
});
