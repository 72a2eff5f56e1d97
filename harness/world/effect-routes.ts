/** `POST /effects/:type`: an effect tool's request, held before or after it is applied when a fault says so. */
import { EFFECT_TOOLS, isEffectTool } from '../scenario/index.js';
import { endWithFault, isEnding, type WorldContext } from './context.js';
import type { EffectLedger, EffectResult } from './effects.js';
import { HttpError } from './http-error.js';
import { objectBody } from './fields.js';
import { HEADERS } from './protocol.js';
import { delivered, sendJson, type Exchange, type Route } from './server.js';

export function effectRoutes(ctx: WorldContext, ledger: EffectLedger): Route[] {
  async function effect(ex: Exchange): Promise<void> {
    const type = ex.params.type ?? '';
    if (!isEffectTool(type))
      throw new HttpError(404, 'unknown-effect', `effect type '${type}' does not exist; path ':type' must be one of ${EFFECT_TOOLS.join(', ')}`);
    const args = objectBody(await ex.json(), `the ${type} tool's arguments as a JSON object`);
    const rawKey = ex.header(HEADERS.idempotencyKey);
    const key = rawKey === undefined || rawKey.trim() === '' ? null : rawKey;
    const step = ex.header(HEADERS.step);
    const fwAttempt = ex.header(HEADERS.attempt);

    const n = ctx.faults.count('effect');
    const effectId = ledger.logicalEffect(type, args);
    const id = ctx.ops.id('effect');
    const who = { pid: ex.pid, id };
    ctx.ops.emit(
      'invoke',
      'effect',
      {
        type,
        effect: effectId,
        key,
        attempt: ledger.nextAttempt(effectId),
        ...(step !== undefined ? { step } : {}),
        ...(fwAttempt !== undefined ? { stepAttempt: fwAttempt } : {}),
      },
      who,
    );
    const detail = { request: n, type, effect: effectId, key };
    const apply = (): EffectResult => ledger.record({ type, args, key, pid: ex.pid, effect: effectId });

    const before = await ctx.faults.checkpoint('before-effect', n, ex.pid, detail, effectId);
    let result: EffectResult | undefined;
    if (isEnding(before)) {
      if (before.type === 'reset') {
        result = apply();
        await endWithFault(ex, before);
        ctx.ops.emit('info', 'effect', { reason: 'reset-after-apply', outcome: result.outcome }, who);
        return;
      }
      const end = await endWithFault(ex, before);
      if (end.reason === 'error' && end.answered) ctx.ops.emit('fail', 'effect', { reason: 'error-before-apply', status: end.status }, who);
      else ctx.ops.emit('info', 'effect', { reason: end.reason === 'error' ? 'error-before-apply' : 'dropped-before-apply' }, who);
      return;
    }
    result = apply();

    const after = await ctx.faults.checkpoint('after-effect', n, ex.pid, { ...detail, outcome: result.outcome });
    if (isEnding(after)) {
      const end = await endWithFault(ex, after);
      const reason = end.reason === 'error' ? 'error-after-apply' : end.reason === 'reset' ? 'reset-after-apply' : 'dropped-after-apply';
      ctx.ops.emit('info', 'effect', { reason, outcome: result.outcome, ...(end.status ? { status: end.status } : {}) }, who);
      return;
    }
    sendJson(ex, result.status, result.body);
    const ok = await delivered(ex);
    if (!ok) ctx.ops.emit('info', 'effect', { reason: 'connection-closed', outcome: result.outcome }, who);
    else if (result.outcome === 'rejected') ctx.ops.emit('fail', 'effect', { outcome: result.outcome, reason: result.entry.reason }, who);
    else ctx.ops.emit('ok', 'effect', { outcome: result.outcome, receipt: result.body.receipt }, who);
  }

  return [{ method: 'POST', path: '/effects/:type', handler: effect }];
}
