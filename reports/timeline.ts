/** A case's timeline as data, Jepsen style: one lane per process incarnation, steps as bars, effects as marks, faults as windows. */
import { textOf } from '../harness/json.js';
import type { LedgerEntry, Op } from '../harness/store/index.js';

export interface TimelineBar {
  lane: string;
  start: number;
  end: number;
  label: string;
  step: number | string;
  attempt: number;
  /** The step never reached its journal (its process died or the run ended first). */
  interrupted: boolean;
}

export type MarkKind = 'effect' | 'duplicate' | 'deduplicated' | 'rejected' | 'approval-requested' | 'approval-decided' | 'death' | 'start';

export interface TimelineMark {
  lane: string;
  time: number;
  kind: MarkKind;
  label: string;
}

export interface TimelineWindow {
  start: number;
  end: number;
  label: string;
}

export interface Timeline {
  t0: number;
  t1: number;
  lanes: string[];
  bars: TimelineBar[];
  marks: TimelineMark[];
  windows: TimelineWindow[];
}

const str = (v: unknown) => (v === undefined || v === null ? '' : textOf(v));

/** Effects applied more than once: every applied ledger entry of such a logical effect (by seq). */
export function duplicateEntries(ledger: LedgerEntry[]): Set<number> {
  const applied = new Map<string, LedgerEntry[]>();
  for (const e of ledger) if (e.outcome === 'applied') applied.set(e.effect, [...(applied.get(e.effect) ?? []), e]);
  return new Set([...applied.values()].filter((es) => es.length > 1).flatMap((es) => es.map((e) => e.seq)));
}

export function buildTimeline(history: Op[], ledger: LedgerEntry[]): Timeline {
  const lanes: string[] = [];
  const lane = (p: string) => (lanes.includes(p) ? p : (lanes.push(p), p));
  const pidLane = new Map<number, string>();
  const bars: TimelineBar[] = [];
  const marks: TimelineMark[] = [];
  const windows: TimelineWindow[] = [];
  const open = new Map<string, TimelineBar>();
  const faultStart = new Map<string, { time: number; label: string }>();
  const times = [...history.map((o) => o.time), ...ledger.map((e) => e.time)].filter(Number.isFinite);
  const t0 = times.length ? Math.min(...times) : 0;
  const t1 = times.length ? Math.max(...times) : 1;
  const closeLane = (p: string, time: number) => {
    for (const [k, b] of open)
      if (b.lane === p) {
        b.end = time;
        open.delete(k);
      }
  };
  for (const op of [...history].sort((a, b) => a.time - b.time)) {
    const p = lane(op.process);
    const v = op.value ?? {};
    if (op.pid !== undefined && op.f === 'start') pidLane.set(op.pid, p);
    if (op.f === 'probe') {
      const point = str(v.point);
      const key = `${p}|${str(v.step)}`;
      if (point === 'llm:before' || point === 'tool:before') {
        const detail = (v.detail ?? {}) as Record<string, unknown>;
        const bar = {
          lane: p,
          start: op.time,
          end: op.time,
          label: str(detail.name) || point.split(':')[0]!,
          step: (v.step as number) ?? '',
          attempt: Number(v.attempt ?? 1),
          interrupted: true,
        };
        bars.push(bar);
        open.set(key, bar);
      } else if (point === 'step:journaled') {
        const bar = open.get(key);
        if (bar) {
          bar.end = op.time;
          bar.interrupted = false;
          open.delete(key);
        }
      }
    } else if (op.f === 'fault') {
      const id = op.id ?? `${op.index}`;
      const label = `${str(v.fault)}@${str(v.at)}`;
      if (op.type === 'invoke') faultStart.set(id, { time: op.time, label });
      else {
        const s = faultStart.get(id);
        if (s) {
          windows.push({ start: s.time, end: op.time, label: s.label });
          faultStart.delete(id);
        }
      }
    } else if (op.f === 'approval' && (v.event === 'requested' || v.event === 'decided')) {
      const decided = v.event === 'decided';
      marks.push({
        lane: p,
        time: op.time,
        kind: decided ? 'approval-decided' : 'approval-requested',
        label: decided ? `approval ${v.approved === false ? 'rejected' : 'granted'}` : 'approval requested',
      });
    } else if (op.f === 'death') {
      closeLane(p, op.time);
      marks.push({ lane: p, time: op.time, kind: 'death', label: `${p} died (${str(v.signal) || `exit ${str(v.code)}`})` });
    } else if (op.f === 'start' && op.process !== 'world') {
      marks.push({ lane: p, time: op.time, kind: 'start', label: `${p} started` });
    }
  }
  for (const b of open.values()) b.end = t1;
  for (const s of faultStart.values()) windows.push({ start: s.time, end: t1, label: s.label });
  const dups = duplicateEntries(ledger);
  for (const e of ledger) {
    const where = (e.pid !== null && pidLane.get(e.pid)) || lane('world');
    const kind: MarkKind = e.outcome === 'applied' ? (dups.has(e.seq) ? 'duplicate' : 'effect') : e.outcome;
    marks.push({
      lane: where,
      time: e.time,
      kind,
      label: `ledger #${e.seq}: ${e.effect} ${e.outcome} (attempt ${e.attempt}${e.key ? `, key ${e.key}` : ', no key'})`,
    });
  }
  // workers, then engines, then the world, the nemesis and the human; lanes with nothing to show are left out
  const used = new Set([...bars.map((b) => b.lane), ...marks.map((m) => m.lane), ...(windows.length ? ['nemesis'] : [])]);
  const rank = (l: string) => ['worker', 'engine', 'world', 'nemesis', 'human'].findIndex((r) => l.startsWith(r)) >>> 0;
  const shown = lanes.filter((l) => used.has(l)).sort((a, b) => rank(a) - rank(b) || lanes.indexOf(a) - lanes.indexOf(b));
  return { t0, t1: Math.max(t1, t0 + 1), lanes: shown, bars, marks, windows };
}
