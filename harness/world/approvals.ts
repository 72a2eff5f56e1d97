/** The approval inbox: agents ask, a human (or the orchestrator) decides, workers poll. */
import type { WorldContext } from './context.js';
import { endWithFault, isEnding } from './context.js';
import { now } from '../store/time.js';
import { HttpError, badField } from './http-error.js';
import { objectBody, optObject, reqString } from './fields.js';
import { sendJson, type Exchange, type Route } from './server.js';

export interface Approval {
  id: string;
  summary: string;
  payload: unknown;
  status: 'pending' | 'approved' | 'rejected';
  requestedAt: number;
  pid: number | null;
  decision?: { approved: boolean; values?: Record<string, unknown>; time: number };
}

export class ApprovalInbox {
  readonly items = new Map<string, Approval>();

  view(a: Approval): Record<string, unknown> {
    return { id: a.id, status: a.status, summary: a.summary, payload: a.payload, ...(a.decision ? { decision: a.decision } : {}) };
  }

  snapshot(): Record<string, Record<string, unknown>> {
    return Object.fromEntries([...this.items].map(([id, a]) => [id, this.view(a)]));
  }
}

export function approvalRoutes(ctx: WorldContext, inbox: ApprovalInbox): Route[] {
  const find = (id: string): Approval => {
    const a = inbox.items.get(id);
    if (!a) throw new HttpError(404, 'unknown-approval', `approval '${id}' was never requested; POST /approvals {id, summary} first`);
    return a;
  };

  async function request(ex: Exchange): Promise<void> {
    const body = objectBody(await ex.json(), '{id, summary, payload?}');
    const id = reqString(body, 'id', { nonEmpty: true });
    const summary = reqString(body, 'summary');
    const payload = optObject(body, 'payload');
    const existing = inbox.items.get(id);
    if (existing) return sendJson(ex, 200, inbox.view(existing));
    const a: Approval = { id, summary, payload: payload ?? null, status: 'pending', requestedAt: now(), pid: ex.pid };
    inbox.items.set(id, a);
    const n = ctx.faults.count('approval');
    ctx.ops.emit('info', 'approval', { event: 'requested', id }, { pid: ex.pid });
    ctx.send({ kind: 'approval', id, request: { summary, payload: a.payload, pid: ex.pid } });
    const action = await ctx.faults.checkpoint('approval', n, ex.pid, { approval: id });
    if (isEnding(action)) {
      await endWithFault(ex, action);
      return;
    }
    sendJson(ex, 200, inbox.view(a));
  }

  function get(ex: Exchange): void {
    sendJson(ex, 200, inbox.view(find(ex.params.id ?? '')));
  }

  async function decide(ex: Exchange): Promise<void> {
    const a = find(ex.params.id ?? '');
    const body = objectBody(await ex.json(), '{approved: boolean, values?: object}');
    if (typeof body.approved !== 'boolean') throw badField('approved', 'must be true or false', body.approved);
    const values = optObject(body, 'values');
    if (a.decision) {
      if (a.decision.approved !== body.approved)
        throw new HttpError(409, 'already-decided', `approval '${a.id}' was already ${a.status}; field 'approved' cannot change it`);
      return sendJson(ex, 200, inbox.view(a));
    }
    a.decision = { approved: body.approved, ...(values ? { values } : {}), time: now() };
    a.status = body.approved ? 'approved' : 'rejected';
    ctx.ops.emit('info', 'approval', { event: 'decided', id: a.id, approved: body.approved, ...(values ? { values } : {}) }, { pid: ex.pid });
    sendJson(ex, 200, inbox.view(a));
  }

  return [
    { method: 'POST', path: '/approvals', handler: request },
    { method: 'GET', path: '/approvals/:id', handler: get },
    { method: 'POST', path: '/approvals/:id/decision', handler: decide },
  ];
}
