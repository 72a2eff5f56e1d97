import { HarnessError } from '../errors.js';
import { defineFault } from './schema.js';

/** A second worker for the same case at the trigger, beside the first (as a second replica would), both up until the run ends. */
export const extraWorker = defineFault({
  name: 'extra-worker',
  description:
    'start a second worker for the same case at the trigger (a second replica: same data, same engine); both stay up until the run ends, the history names each',
  params: {},
  async fire(ctx) {
    if (!ctx.startExtraWorker) throw new HarnessError('extra-worker: this case cannot start a second worker', 'ORD-330');
    const start = ctx.startExtraWorker.bind(ctx);
    return { release: { type: 'continue' }, after: () => start() };
  },
});
