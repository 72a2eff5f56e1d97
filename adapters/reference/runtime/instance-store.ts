// Instance rows: creation, status, and the lease protocol (claim, renew, release, suspend, finish).
import { decodeValue, encodeValue } from './codec.js';
import { LeaseLostError } from './errors.js';
import { HOST, ownerIsDead } from './liveness.js';
import type { Db, Durability } from './schema.js';
import type { InstanceState, InstanceStatus, SerializedError } from './types.js';

/** ready_at of an instance waiting for a signal without deadline. */
export const NEVER_READY = Number.MAX_SAFE_INTEGER;

interface InstanceRow {
  id: string;
  workflow: string;
  input: string | null;
  status: InstanceStatus;
  result: string | null;
  error: string | null;
  owner: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  lease_until: number;
  executions: number;
  created_at: number;
  updated_at: number;
}

export interface ClaimedInstance {
  id: string;
  workflow: string;
  input: unknown;
}

export class InstanceStore {
  private readonly s;
  private readonly claimTx;

  constructor(
    db: Db,
    /** Every write here except renew() must survive a power loss: it goes through durability.commit(). */
    private readonly durability: Durability,
  ) {
    this.claimTx = db.transaction((owner: string, names: string[], limit: number, now: number, leaseMs: number) => {
      const rows = this.s.claimable.all({ now, names: JSON.stringify(names), limit }) as InstanceRow[];
      for (const row of rows) {
        this.s.take.run({ owner, pid: process.pid, host: HOST, until: now + leaseMs, now, id: row.id });
      }
      return rows.map((row) => ({ id: row.id, workflow: row.workflow, input: decodeValue(row.input) }));
    });
    this.s = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO instances (id, workflow, input, status, created_at, updated_at)
         VALUES (?, ?, ?, 'pending', ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM instances WHERE id = ?'),
      claimable: db.prepare(
        `SELECT id, workflow, input FROM instances
         WHERE status IN ('pending', 'running') AND ready_at <= @now
           AND (owner IS NULL OR lease_until < @now)
           AND workflow IN (SELECT value FROM json_each(@names))
         ORDER BY ready_at, created_at LIMIT @limit`,
      ),
      take: db.prepare(
        `UPDATE instances SET owner = @owner, owner_pid = @pid, owner_host = @host, lease_until = @until,
           status = 'running', waiting = NULL, executions = executions + 1, updated_at = @now WHERE id = @id`,
      ),
      renew: db.prepare(
        `UPDATE instances SET lease_until = @until
         WHERE owner = @owner AND id IN (SELECT value FROM json_each(@ids)) RETURNING id`,
      ),
      finish: db.prepare(
        `UPDATE instances SET status = @status, result = @result, error = @error, owner = NULL, lease_until = 0,
           waiting = NULL, updated_at = @now WHERE id = @id AND owner = @owner`,
      ),
      // Re-checks pending signals inside the same write so a signal racing the suspension is never lost.
      suspend: db.prepare(
        `UPDATE instances SET owner = NULL, lease_until = 0, waiting = @waiting, updated_at = @now,
           ready_at = CASE WHEN EXISTS (SELECT 1 FROM signals WHERE instance_id = @id AND consumed_seq IS NULL
             AND name IN (SELECT value FROM json_each(@waiting))) THEN 0 ELSE @readyAt END
         WHERE id = @id AND owner = @owner`,
      ),
      release: db.prepare(`UPDATE instances SET owner = NULL, lease_until = 0, ready_at = 0, updated_at = @now WHERE id = @id AND owner = @owner`),
      leased: db.prepare(
        `SELECT id, owner, owner_pid, owner_host FROM instances
         WHERE status IN ('pending', 'running') AND owner IS NOT NULL AND owner <> @owner AND lease_until >= @now`,
      ),
      expire: db.prepare('UPDATE instances SET lease_until = 0 WHERE id = ? AND owner = ?'),
      wake: db.prepare(`UPDATE instances SET ready_at = 0 WHERE id = ? AND status IN ('pending', 'running')`),
    };
  }

  /** Idempotent: a second start with the same id changes nothing. On disk when it returns, whatever `synchronous` says. */
  create(id: string, workflow: string, input: unknown, now: number): boolean {
    return this.durability.acknowledge(() => this.s.insert.run(id, workflow, encodeValue(input), now, now)).changes === 1;
  }

  get(id: string): InstanceState | undefined {
    const row = this.s.get.get(id) as InstanceRow | undefined;
    if (row === undefined) return undefined;
    const state: InstanceState = {
      instanceId: row.id,
      workflow: row.workflow,
      status: row.status,
      input: decodeValue(row.input),
      attempts: row.executions,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    if (row.status === 'completed') state.result = decodeValue(row.result);
    if (row.error !== null) state.error = JSON.parse(row.error) as SerializedError;
    if (row.owner !== null) {
      state.owner = row.owner;
      state.leaseUntil = row.lease_until;
    }
    return state;
  }

  /** Takes up to `limit` runnable instances whose lease is free or expired, in one write transaction. */
  claim(owner: string, names: string[], limit: number, now: number, leaseMs: number): ClaimedInstance[] {
    if (limit <= 0 || names.length === 0) return [];
    const claimed = this.claimTx.immediate(owner, names, limit, now, leaseMs);
    if (claimed.length > 0) this.durability.sync(); // an idle poll claims nothing and needs no fdatasync
    return claimed;
  }

  /** Extends the leases we still own; returns the ids we still own (the rest were taken from us). */
  renew(owner: string, ids: string[], until: number): Set<string> {
    if (ids.length === 0) return new Set();
    // No fsync (not through durability.commit): a renewal lost to a power loss only matters to a process that died with it.
    const rows = this.s.renew.all({ owner, ids: JSON.stringify(ids), until }) as Array<{ id: string }>;
    return new Set(rows.map((row) => row.id));
  }

  complete(id: string, owner: string, result: unknown, now: number): void {
    this.finish(id, owner, 'completed', encodeValue(result), null, now);
  }

  fail(id: string, owner: string, error: SerializedError, now: number): void {
    this.finish(id, owner, 'failed', null, JSON.stringify(error), now);
  }

  /** Gives the instance back until `readyAt` (or until one of `waiting` is signalled). */
  suspend(id: string, owner: string, readyAt: number, waiting: string[], now: number): void {
    this.durability.commit(() => this.s.suspend.run({ id, owner, readyAt, waiting: JSON.stringify(waiting), now }));
  }

  /** Gives the instance back for immediate pickup (graceful stop). */
  release(id: string, owner: string, now: number): void {
    this.durability.commit(() => this.s.release.run({ id, owner, now }));
  }

  /** Expires leases of owners whose process is provably dead, so a restarted worker needs not wait leaseMs. */
  expireDeadOwners(owner: string, now: number): number {
    const rows = this.s.leased.all({ owner, now }) as InstanceRow[];
    let expired = 0;
    for (const row of rows) {
      if (ownerIsDead(row.owner_pid, row.owner_host)) expired += this.s.expire.run(row.id, row.owner).changes;
    }
    if (expired > 0) this.durability.sync();
    return expired;
  }

  /** A signal arrived: make the instance runnable now (a spurious wake only costs one replay). Inside the caller's durable commit. */
  wake(id: string): void {
    this.s.wake.run(id);
  }

  private finish(id: string, owner: string, status: InstanceStatus, result: string | null, error: string | null, now: number): void {
    const changes = this.durability.commit(() => this.s.finish.run({ id, owner, status, result, error, now })).changes;
    if (changes === 0) throw new LeaseLostError(`instance ${id} is no longer owned by ${owner}`);
  }
}
