/** The effect ledger: logical effect ids, idempotency keys, attempts, and `ledger.jsonl`. */
import { createHash } from 'node:crypto';
import { turnCalls, type Scenario } from '../scenario/index.js';
import type { LedgerEntry, LedgerOutcome } from '../store/types.js';
import { now } from '../store/time.js';
import { canonicalJson } from '../json.js';
import type { Json } from './fields.js';
import type { JsonlWriter } from './jsonl.js';
import { argsMatch } from './templates.js';

export interface EffectResponse {
  ok: true;
  effect: string;
  receipt: string;
  deduplicated: boolean;
}

export interface EffectRequest {
  type: string;
  args: Json;
  key: string | null;
  pid: number | null;
  /** The logical effect, from `logicalEffect`. */
  effect: string;
}

export type EffectResult =
  | { outcome: 'applied' | 'deduplicated'; entry: LedgerEntry; status: 200; body: EffectResponse }
  | { outcome: 'rejected'; entry: LedgerEntry; status: 422; body: { error: { code: string; message: string } } };

interface ExpectedCall {
  type: string;
  args: Json;
  effect: string;
}

/** `<type>:unexpected:<first 8 hex of sha256 of the canonical JSON args>`. */
export function unexpectedEffectId(type: string, args: Json): string {
  return `${type}:unexpected:${createHash('sha256').update(canonicalJson(args)).digest('hex').slice(0, 8)}`;
}

export class EffectLedger {
  private readonly calls: ExpectedCall[];
  private seq = 0;
  private readonly attempts = new Map<string, number>();
  private readonly applied = new Map<string, number>();
  /** `<type>\0<key>` → the args it was first applied with and the answer given. */
  private readonly keys = new Map<string, { args: string; body: EffectResponse }>();

  constructor(
    scenario: Scenario,
    private readonly writer: JsonlWriter,
  ) {
    this.calls = scenario.cassette.flatMap((t, ti) =>
      turnCalls(t).map((c, ci) => ({ type: c.tool, args: c.args, effect: c.effect ?? `${c.tool}:turn${ti}.${ci}` })),
    );
  }

  /** The id of the first cassette call of this type whose arguments match (templates match anything), else an `unexpected` id. */
  logicalEffect(type: string, args: Json): string {
    const call = this.calls.find((c) => c.type === type && argsMatch(c.args, args));
    return call ? call.effect : unexpectedEffectId(type, args);
  }

  /** The attempt number the next request for this logical effect will get. */
  nextAttempt(effect: string): number {
    return (this.attempts.get(effect) ?? 0) + 1;
  }

  /**
   * Records one request: applied, deduplicated (same key and same args as an earlier one of this type), or
   * rejected (same key, different args, as Stripe does). The ledger line is written before this returns.
   */
  record(req: EffectRequest): EffectResult {
    const seq = ++this.seq;
    const attempt = this.nextAttempt(req.effect);
    this.attempts.set(req.effect, attempt);
    const argsText = canonicalJson(req.args);
    const slot = req.key === null ? undefined : `${req.type}\0${req.key}`;
    const seen = slot === undefined ? undefined : this.keys.get(slot);
    let outcome: LedgerOutcome;
    let result: EffectResult;
    const entry: LedgerEntry = {
      seq,
      time: now(),
      effect: req.effect,
      type: req.type,
      key: req.key,
      outcome: 'applied',
      attempt,
      pid: req.pid,
      args: req.args,
    };
    if (seen && seen.args !== argsText) {
      outcome = 'rejected';
      entry.reason = 'idempotency key reused with different arguments';
      const message = `header 'Idempotency-Key' ${JSON.stringify(req.key)} was already used for a ${req.type} with different arguments; use a new key for a different request`;
      result = { outcome, entry, status: 422, body: { error: { code: 'idempotency-key-reused', message } } };
    } else if (seen) {
      outcome = 'deduplicated';
      result = { outcome, entry, status: 200, body: { ...seen.body, deduplicated: true } };
    } else {
      outcome = 'applied';
      const body: EffectResponse = { ok: true, effect: req.effect, receipt: `rcpt-${seq}`, deduplicated: false };
      if (slot !== undefined) this.keys.set(slot, { args: argsText, body });
      this.applied.set(req.effect, (this.applied.get(req.effect) ?? 0) + 1);
      result = { outcome, entry, status: 200, body };
    }
    entry.outcome = outcome;
    this.writer.append(entry);
    return result;
  }

  snapshot(): { requests: number; applied: Record<string, number>; keys: number } {
    return { requests: this.seq, applied: Object.fromEntries(this.applied), keys: this.keys.size };
  }
}
