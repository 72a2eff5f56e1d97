/** No effect was applied on the basis of a resource version that had changed since it was read (ARCHITECTURE.md § Checker contract). */
import { textOf } from '../json.js';
import type { Op, RunRecord } from '../store/types.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { indexOf, num, opsOf, valueOf } from './util.js';

interface Seen {
  version: number | undefined;
  op: number;
  position: number;
}

/**
 * Reads the history in order. What the agent knows of a resource is its last successful read or write (a replay
 * reuses the journaled read, so knowledge survives worker restarts). Every resource the agent knows is taken as an
 * input of every later effect: an effect invoked after someone else changed such a resource, with no read since,
 * acted on a stale version.
 */
function check(run: RunRecord): CheckResult {
  const history = opsOf(run?.history);
  const known = new Map<string, Seen>();
  const drifts = new Map<string, Seen[]>();
  const invokes = new Map<string, { effect: string; op: number; position: number }>();
  const reported = new Set<string>();
  const anomalies: Anomaly[] = [];
  let driftCount = 0;
  let applied = 0;

  history.forEach((op: Op, position) => {
    const v = valueOf(op);
    const at = { version: num(v.version), op: indexOf(op, position), position };
    if (op.f === 'resource' && typeof v.id === 'string') {
      if (v.action === 'drift') {
        driftCount++;
        drifts.set(v.id, [...(drifts.get(v.id) ?? []), at]);
      } else if (op.type === 'ok' && (v.action === 'read' || v.action === 'write')) known.set(v.id, at);
      return;
    }
    if (op.f !== 'effect' || typeof op.id !== 'string') return;
    if (op.type === 'invoke') {
      invokes.set(op.id, { effect: typeof v.effect === 'string' ? v.effect : textOf(v.type ?? 'effect'), op: at.op, position });
      return;
    }
    if (v.outcome !== 'applied') return;
    const inv = invokes.get(op.id);
    if (!inv) return;
    applied++;
    for (const [id, read] of known) {
      const drift = (drifts.get(id) ?? []).find((d) => d.position > read.position && d.position < inv.position);
      if (!drift || reported.has(`${inv.effect}\0${id}`)) continue;
      reported.add(`${inv.effect}\0${id}`);
      anomalies.push({
        kind: 'stale-read',
        message:
          `${inv.effect} was applied on the basis of ${id} version ${read.version ?? '?'} (read at op #${read.op}), but someone else ` +
          `changed it to version ${drift.version ?? '?'} at op #${drift.op}, before the effect (op #${inv.op}), and the agent did not read it again.`,
        witnesses: { ops: [read.op, drift.op, inv.op] },
      });
    }
  });
  return { valid: anomalies.length === 0, anomalies, metrics: { drifts: driftCount, appliedEffects: applied, staleEffects: anomalies.length } };
}

export const driftSafety: Checker = {
  name: 'drift-safety',
  metrics: ['drifts', 'appliedEffects', 'staleEffects'],
  description: 'No effect was applied on the basis of a resource version that someone else changed after the agent read it.',
  check,
};
