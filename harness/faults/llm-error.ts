import type { ReleaseAction } from '../world/protocol.js';
import { defineFault } from './schema.js';
import { MAX_DELAY_MS } from './types.js';

/** The model endpoint misbehaves on the N-th call: 429 with retry-after, 500, a hang, an answer broken off, or a changed plan. */
export const llmError = defineFault({
  name: 'llm-error',
  description:
    'the model call answers mode=429 (with retry-after), 500, hang (then drop), broken (cut mid-answer) or different-plan (answer lost, the repeated call gets the final answer)',
  triggers: ['llm-call'],
  params: {
    mode: { type: 'choice', values: ['429', '500', 'hang', 'broken', 'different-plan'], default: '500', draw: true, doc: 'how the call fails' },
    retryAfter: { type: 'integer', min: 0, max: Math.floor(MAX_DELAY_MS / 1000), default: 1, unit: 's', doc: 'the retry-after header of mode=429' },
    ms: {
      type: 'integer',
      min: 1,
      max: MAX_DELAY_MS,
      default: 1500,
      unit: 'ms',
      doc: 'how long mode=hang holds the call before the connection drops',
    },
  },
  async fire(ctx, p) {
    const body = (code: string, message: string) => ({ error: { code, message, type: code } });
    let release: ReleaseAction;
    if (p.mode === '429') {
      const s = p.retryAfter;
      release = {
        type: 'error',
        status: 429,
        headers: { 'retry-after': String(s) },
        body: body('rate_limit_exceeded', `rate limited; retry after ${s} s (injected)`),
      };
    } else if (p.mode === '500') release = { type: 'error', status: 500, body: body('server_error', 'the model server failed (injected)') };
    else if (p.mode === 'hang') {
      await ctx.sleep(p.ms); // the request hangs while held, then the connection drops
      release = { type: 'drop' };
    } else if (p.mode === 'broken') release = { type: 'break' };
    else release = { type: 'replan' };
    return { release };
  },
});
