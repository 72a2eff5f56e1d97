import type { FaultSpec } from '../store/types.js';
import type { ReleaseAction } from '../world/protocol.js';
import { choiceParam, intParam, onlyParams } from './params.js';
import type { Fault } from './types.js';

const MODES = ['429', '500', 'hang', 'broken', 'different-plan'] as const;
type Mode = (typeof MODES)[number];

const modeOf = (spec: FaultSpec): Mode => choiceParam(spec, 'mode', MODES, '500');

/** The model endpoint misbehaves on the N-th call: 429 with retry-after, 500, a hang, an answer broken off, or a changed plan. */
export const llmError: Fault = {
  name: 'llm-error',
  description:
    'the model call answers mode=429 (retry-after, retryAfter=S), 500, hang (ms, then drop), broken (cut mid-answer) or different-plan (answer lost, the repeated call gets the final answer)',
  triggers: ['llm-call'],
  params: { mode: { type: 'choice', values: MODES } },
  validate(spec) {
    onlyParams(spec, ['mode', 'retryAfter', 'ms']);
    modeOf(spec);
    intParam(spec, 'retryAfter', 1, 0);
    intParam(spec, 'ms', 1500, 1);
  },
  async fire(ctx, spec) {
    const mode = modeOf(spec);
    const body = (code: string, message: string) => ({ error: { code, message, type: code } });
    let release: ReleaseAction;
    if (mode === '429') {
      const s = intParam(spec, 'retryAfter', 1, 0);
      release = { type: 'error', status: 429, headers: { 'retry-after': String(s) }, body: body('rate_limit_exceeded', `rate limited; retry after ${s} s (injected)`) };
    } else if (mode === '500') release = { type: 'error', status: 500, body: body('server_error', 'the model server failed (injected)') };
    else if (mode === 'hang') {
      await ctx.sleep(intParam(spec, 'ms', 1500, 1)); // the request hangs while held, then the connection drops
      release = { type: 'drop' };
    } else if (mode === 'broken') release = { type: 'break' };
    else release = { type: 'replan' };
    return { release };
  },
};
