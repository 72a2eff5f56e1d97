/** Versioned resources: `GET`/`PUT /resources/:id`, optimistic concurrency, and drift by "someone else". */
import type { WorldContext } from './context.js';
import { HttpError, badField } from './http-error.js';
import { objectBody, optInteger } from './fields.js';
import { delivered, sendJson, type Exchange, type Route } from './server.js';

export interface ResourceState {
  id: string;
  version: number;
  value: unknown;
}

export class ResourceStore {
  private readonly items = new Map<string, { version: number; value: unknown }>();

  constructor(fixture: Record<string, unknown>) {
    for (const [id, value] of Object.entries(fixture)) this.items.set(id, { version: 1, value });
  }

  get(id: string): ResourceState | undefined {
    const r = this.items.get(id);
    return r && { id, version: r.version, value: r.value };
  }

  /** Writes a new value: version 1 for a new resource, else the next version. */
  set(id: string, value: unknown): ResourceState {
    const version = (this.items.get(id)?.version ?? 0) + 1;
    this.items.set(id, { version, value });
    return { id, version, value };
  }

  snapshot(): Record<string, { version: number; value: unknown }> {
    return Object.fromEntries(this.items);
  }
}

export function resourceRoutes(ctx: WorldContext, store: ResourceStore): Route[] {
  async function finish(ex: Exchange, who: { pid: number | null; id: string }, okValue: Record<string, unknown>): Promise<void> {
    if (await delivered(ex)) ctx.ops.emit('ok', 'resource', okValue, who);
    else ctx.ops.emit('info', 'resource', { ...okValue, reason: 'connection-closed' }, who);
  }

  async function read(ex: Exchange): Promise<void> {
    const id = ex.params.id ?? '';
    const who = { pid: ex.pid, id: ctx.ops.id('resource') };
    ctx.ops.emit('invoke', 'resource', { action: 'read', id }, who);
    const r = store.get(id);
    if (!r) {
      ctx.ops.emit('fail', 'resource', { action: 'read', id, reason: 'not-found' }, who);
      throw new HttpError(
        404,
        'unknown-resource',
        `resource '${id}' does not exist; known resources: ${Object.keys(store.snapshot()).join(', ') || '(none)'}`,
      );
    }
    sendJson(ex, 200, r);
    await finish(ex, who, { action: 'read', id, version: r.version });
  }

  async function write(ex: Exchange): Promise<void> {
    const id = ex.params.id ?? '';
    const body = objectBody(await ex.json(), '{value, expectedVersion?}');
    if (!('value' in body)) throw badField('value', 'must be present (the new value of the resource, any JSON)');
    const expectedVersion = optInteger(body, 'expectedVersion', 0);
    const who = { pid: ex.pid, id: ctx.ops.id('resource') };
    ctx.ops.emit('invoke', 'resource', { action: 'write', id, ...(expectedVersion !== undefined ? { expectedVersion } : {}) }, who);
    const current = store.get(id)?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) {
      ctx.ops.emit('fail', 'resource', { action: 'write', id, version: current, expectedVersion, reason: 'version-conflict' }, who);
      throw new HttpError(
        409,
        'version-conflict',
        `field 'expectedVersion' is ${expectedVersion} but resource '${id}' is at version ${current}; read it again`,
      );
    }
    const r = store.set(id, body.value);
    sendJson(ex, 200, r);
    await finish(ex, who, { action: 'write', id, version: r.version });
  }

  return [
    { method: 'GET', path: '/resources/:id', handler: read },
    { method: 'PUT', path: '/resources/:id', handler: write },
  ];
}

/** IPC `set-resource`: someone else changes the resource (state drift). */
export function driftResource(ctx: WorldContext, store: ResourceStore, id: string, value: unknown): ResourceState {
  const r = store.set(id, value);
  ctx.ops.emit('info', 'resource', { action: 'drift', id, version: r.version }, { process: 'world' });
  return r;
}
