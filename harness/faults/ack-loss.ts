import { defineFault } from './schema.js';

/** The world applies the effect, then resets the connection: the caller cannot know whether it happened. */
export const ackLoss = defineFault({
  name: 'ack-loss',
  description: 'the world applies the effect, then resets the connection: the caller cannot know it happened (an info op)',
  triggers: ['before-effect', 'after-effect'],
  params: {},
  async fire() {
    return { release: { type: 'reset' } };
  },
});
