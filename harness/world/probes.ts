/** `POST /probe`: the worker says where it is; `step:journaled` and `shell:before` probes may be held. */
import type { WorldContext } from './context.js';
import { endWithFault, isEnding } from './context.js';
import { badField } from './http-error.js';
import { objectBody, optBoolean, optInteger, optObject, reqString } from './fields.js';
import { sendJson, type Exchange, type Route } from './server.js';
import { SHELL_LOST, shellCall } from './protocol.js';

/** Probe points that count toward a trigger. */
export const HELD_PROBES = { 'step:journaled': 'step', 'shell:before': 'shell' } as const;

export function probeRoutes(ctx: WorldContext): Route[] {
  async function probe(ex: Exchange): Promise<void> {
    const body = objectBody(await ex.json(), '{point, step?, attempt?, replayed?, detail?}');
    const point = reqString(body, 'point', { nonEmpty: true });
    const step = body.step;
    if (step !== undefined && step !== null && typeof step !== 'string' && !(typeof step === 'number' && Number.isInteger(step)))
      // a framework's own step number may be negative (LangGraph numbers the input's superstep -1)
      throw badField('step', 'must be a whole number or a string when present', step);
    const attempt = optInteger(body, 'attempt', 0);
    const replayed = optBoolean(body, 'replayed');
    const detail = optObject(body, 'detail');
    const value: Record<string, unknown> = { point };
    if (step !== undefined && step !== null) value.step = step;
    if (attempt !== undefined) value.attempt = attempt;
    if (replayed !== undefined) value.replayed = replayed;
    if (detail !== undefined) value.detail = detail;
    ctx.ops.emit('info', 'probe', value, { pid: ex.pid });

    const kind = (HELD_PROBES as Record<string, 'step' | 'shell'>)[point];
    if (kind) {
      const n = ctx.faults.count(kind);
      const command = kind === 'shell' && typeof detail?.command === 'string' ? detail.command : undefined;
      const action = await ctx.faults.checkpoint(kind, n, ex.pid, { probe: n, ...value }, command === undefined ? undefined : shellCall(command));
      if (isEnding(action)) {
        const end = await endWithFault(ex, action);
        // a shell command held and ended here never ran: the crash loop's checker counts it as a lost attempt (a point
        // of its own, so that whatever counts the shell:before probes counts each attempt once)
        if (command !== undefined)
          ctx.ops.emit('info', 'probe', { point: SHELL_LOST, reason: `${end.reason}-before-run`, detail: { command } }, { pid: ex.pid });
        return;
      }
      if (action.type === 'partial') return sendJson(ex, 200, { partial: { k: action.k } });
    }
    sendJson(ex, 200, {});
  }

  return [{ method: 'POST', path: '/probe', handler: probe }];
}
