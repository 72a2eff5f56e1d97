import { onlyParams } from './params.js';
import type { Fault } from './types.js';

/** The world applies the effect, then resets the connection: the caller cannot know whether it happened. */
export const ackLoss: Fault = {
  name: 'ack-loss',
  description: 'the world applies the effect, then resets the connection: the caller cannot know it happened (an info op)',
  triggers: ['before-effect', 'after-effect'],
  validate: (spec) => onlyParams(spec, []),
  async fire() {
    return { release: { type: 'reset' } };
  },
};
