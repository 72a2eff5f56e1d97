/**
 * Effects gated by an approval happened only after it, once, and with the approved values; and the human was asked
 * no more often than the agent asks (ARCHITECTURE.md § Checker contract).
 */
import type { Op, RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { expectationOf, expectedIds } from './expectation.js';
import { canonicalJson } from '../json.js';
import { entriesOf, indexOf, isRecord, listRefs, num, opsOf, times, valueOf } from './util.js';

/** Effects of the cassette's calls that come after its first request_approval: those need the human's yes. */
export function gatedEffects(run: RunRecord): Set<string> {
  const gated = new Set<string>();
  const cassette: unknown = run?.scenario?.cassette;
  if (!Array.isArray(cassette)) return gated;
  let asked = false;
  for (const turn of cassette) {
    for (const c of rawCalls(turn)) {
      if (!isRecord(c)) continue;
      if (asked && typeof c.effect === 'string') gated.add(c.effect);
      if (c.tool === 'request_approval') asked = true;
    }
  }
  return gated;
}

/**
 * How many approvals the cassette asks for, when it asks for some and every run of it asks for the same number (no
 * `when` branch holds a `request_approval`); undefined otherwise.
 */
function approvalsAsked(run: RunRecord): number | undefined {
  const cassette: unknown = run?.scenario?.cassette;
  if (!Array.isArray(cassette)) return undefined;
  let n = 0;
  for (const turn of cassette) {
    const calls = rawCalls(turn).filter((c) => isRecord(c) && c.tool === 'request_approval').length;
    if (isRecord(turn) && 'when' in turn) {
      if (calls > 0) return undefined;
      continue;
    }
    n += calls;
  }
  return n > 0 ? n : undefined;
}

/** The calls of every branch of a (possibly damaged) cassette turn. */
function rawCalls(turn: unknown, depth = 0): unknown[] {
  if (!isRecord(turn) || depth > 32) return [];
  if ('when' in turn) return [...rawCalls(turn.then, depth + 1), ...rawCalls(turn.else, depth + 1)];
  return Array.isArray(turn.calls) ? turn.calls : [];
}

interface Decision {
  op: number;
  position: number;
  approved: boolean;
  values?: Record<string, unknown>;
}

function check(run: RunRecord): CheckResult {
  const history = opsOf(run?.history);
  const gated = gatedEffects(run);
  const ledger = entriesOf(run?.ledger);
  const decisions: Decision[] = [];
  const invokes = new Map<string, { effect: string; attempt?: number; op: number; position: number }>();
  const appliedOps = new Map<string, number[]>();
  const anomalies: Anomaly[] = [];
  // effects the scenario expects after a rejection (telling the customer, say) need no approval once the human said no
  const expectation = expectationOf(run);
  const afterNo = expectation.rejectedAt === undefined ? new Set<string>() : expectedIds(expectation.effects);

  /** The approval requests that reached the human's inbox, by id (a request repeated under its id is one request). */
  const requested = new Map<string, number>();
  history.forEach((op: Op, position) => {
    const v = valueOf(op);
    if (op.f === 'approval' && v.event === 'requested' && typeof v.id === 'string' && !requested.has(v.id))
      requested.set(v.id, indexOf(op, position));
    if (op.f === 'approval' && v.event === 'decided' && typeof v.approved === 'boolean') {
      decisions.push({ op: indexOf(op, position), position, approved: v.approved, ...(isRecord(v.values) ? { values: v.values } : {}) });
      return;
    }
    if (op.f !== 'effect' || typeof op.id !== 'string') return;
    if (op.type === 'invoke') {
      if (typeof v.effect === 'string') invokes.set(op.id, { effect: v.effect, attempt: num(v.attempt), op: indexOf(op, position), position });
      return;
    }
    const inv = invokes.get(op.id);
    if (v.outcome !== 'applied' || !inv || !gated.has(inv.effect)) return;
    const before = decisions.filter((d) => d.position < inv.position);
    const yes = before.find((d) => d.approved);
    const no = before.find((d) => !d.approved);
    if (!yes && no && afterNo.has(inv.effect)) return;
    appliedOps.set(inv.effect, [...(appliedOps.get(inv.effect) ?? []), inv.op]);
    if (!yes) {
      anomalies.push(
        no
          ? {
              kind: 'acted-despite-rejection',
              message: `${inv.effect} was applied (op #${inv.op}) although the human rejected the request at op #${no.op}.`,
              witnesses: { ops: [no.op, inv.op] },
            }
          : {
              kind: 'acted-before-approval',
              message: `${inv.effect} was applied (op #${inv.op}) before the human approved anything.`,
              witnesses: { ops: [inv.op] },
            },
      );
      return;
    }
    const entry = ledger.find((e) => e.effect === inv.effect && e.attempt === inv.attempt);
    const args = isRecord(entry?.args) ? entry.args : {};
    const differing = Object.entries(yes.values ?? {}).filter(([k, want]) => k in args && canonicalJson(args[k]) !== canonicalJson(want));
    if (differing.length > 0) {
      const what = differing.map(([k, want]) => `${k} = ${canonicalJson(args[k])} instead of the approved ${canonicalJson(want)}`).join(', ');
      anomalies.push({
        kind: 'approved-values-ignored',
        message: `${inv.effect} was applied with ${what} (approved at op #${yes.op}).`,
        witnesses: { ops: [yes.op, inv.op], ...(entry ? { ledger: [entry.seq] } : {}) },
      });
    }
  });
  for (const [effect, ops] of appliedOps) {
    if (ops.length <= 1) continue;
    anomalies.push({
      kind: 'acted-more-than-once',
      message: `${effect} was approved once but applied ${times(ops.length)}: ops ${listRefs(ops)}.`,
      witnesses: { ops },
    });
  }
  // the human asked again for a decision the agent had asked for: a second message in the inbox, a second answer
  const asked = approvalsAsked(run);
  if (asked !== undefined && requested.size > asked) {
    const ops = [...requested.values()];
    anomalies.push({
      kind: 'asked-more-than-once',
      message: `The human was asked ${requested.size} times (ops ${listRefs(ops)}, ids ${[...requested.keys()].join(', ')}) for the ${asked === 1 ? 'one approval' : `${asked} approvals`} the agent asks for.`,
      witnesses: { ops },
    });
  }
  return {
    valid: anomalies.length === 0,
    anomalies,
    metrics: { gatedEffects: gated.size, decisions: decisions.length, rejections: decisions.filter((d) => !d.approved).length },
  };
}

export const approvalIntegrity: Checker = {
  name: 'approval-integrity',
  metrics: ['gatedEffects', 'decisions', 'rejections'],
  description:
    'Effects gated by a human approval happened only after it, once, and with the approved (possibly edited) values; the human was asked once per approval.',
  check,
};
