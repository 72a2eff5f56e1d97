/** The timeline of one case, built from its run folder: lanes per process incarnation, and what happened on each. */
import type { Op, RunRecord, SpanRecord } from '../store/index.js';
import { textOf } from '../json.js';
import { formatFault } from '../faults/registry.js';
import { ATTR } from './attributes.js';

export interface Lane {
  name: string;
  pid?: number;
  /** Milliseconds from the start of the case. */
  start: number;
  end?: number;
  /** How the process ended: `killed (SIGKILL)`, `exited 0`, `crashed`, or undefined while it ran. */
  ended?: string;
}

export type EventKind = 'start' | 'death' | 'step' | 'replayed' | 'effect' | 'duplicate' | 'fault' | 'approval' | 'outcome';

export interface TimelineEvent {
  /** Milliseconds from the start of the case. */
  at: number;
  lane: string;
  kind: EventKind;
  text: string;
  durationMs?: number;
}

export interface Timeline {
  runDir: string;
  scenario: string;
  adapter: string;
  idempotency: string;
  schedule: string;
  outcome: string;
  traceIds: string[];
  services: string[];
  lanes: Lane[];
  events: TimelineEvent[];
}

const nanosToMs = (n: string): number => Number(BigInt(n) / 1000n) / 1000;

function stepText(s: SpanRecord): string {
  const a = s.attributes;
  const parts = [s.name, `step ${String(a[ATTR.step])}`, `attempt ${textOf(a[ATTR.attempt] ?? 1)}`];
  if (a[ATTR.inputTokens] !== undefined) parts.push(`${String(a[ATTR.inputTokens])}→${textOf(a[ATTR.outputTokens] ?? 0)} tokens`);
  if (a[ATTR.idempotencyKey]) parts.push(`key ${String(a[ATTR.idempotencyKey])}`);
  if (a['error.type']) parts.push(`failed (${textOf(a['error.type'])})`);
  return parts.join(' · ');
}

function laneOfOp(op: Op): string {
  return op.process;
}

export function buildTimeline(run: RunRecord): Timeline {
  const t0 = Math.min(...run.history.map((o) => o.time), Date.parse(run.info.startedAt) || Infinity);
  const rel = (t: number) => Math.round((t - t0) * 10) / 10;
  const lanes = new Map<string, Lane>();
  const byPid = new Map<number, string>();
  const events: TimelineEvent[] = [];
  const lane = (name: string, at: number): Lane => {
    let l = lanes.get(name);
    if (!l) lanes.set(name, (l = { name, start: at }));
    return l;
  };
  for (const op of run.history) {
    const at = rel(op.time);
    const v = op.value ?? {};
    if (op.f === 'start') {
      const l = lane(op.process, at);
      l.start = at;
      if (typeof v.pid === 'number') {
        l.pid = v.pid;
        byPid.set(v.pid, op.process);
      }
      if (op.process !== 'world') events.push({ at, lane: op.process, kind: 'start', text: `started (pid ${String(v.pid)})` });
    } else if (op.f === 'death') {
      const l = lane(op.process, at);
      l.end = at;
      l.ended = v.signal
        ? `killed (${textOf(v.signal)}${v.expected ? '' : ', unexpected'})`
        : v.expected
          ? `exited ${String(v.code)}`
          : `crashed (exit ${String(v.code)})`;
      events.push({ at, lane: op.process, kind: 'death', text: `✖ ${l.ended}` });
    } else if (op.f === 'fault') {
      // a repeating fault (crash-loop) says which firing this is, and the call it holds
      const nth =
        typeof v.call === 'string'
          ? ` (kill ${typeof v.firing === 'number' ? v.firing : 1}${typeof v.times === 'number' ? ` of ${v.times}` : ''})`
          : '';
      const what = `${String(v.fault)}@${String(v.at)}${nth}`;
      // a shell command's call is its text: a long one is cut in the trace (the history has it whole)
      const on = typeof v.call === 'string' ? ` on ${v.call.length > 60 ? `${v.call.slice(0, 59)}…` : v.call}` : '';
      if (op.type === 'invoke') events.push({ at, lane: 'nemesis', kind: 'fault', text: `⚡ fault ${what} fires${on}` });
      else
        events.push({
          at,
          lane: 'nemesis',
          kind: 'fault',
          text: op.type === 'ok' ? `fault ${what} done` : `fault ${what} failed: ${textOf(v.error)}`,
        });
      lane('nemesis', at);
    } else if (op.f === 'approval' && (v.event === 'requested' || v.event === 'decided')) {
      const who = op.process === 'unknown' ? 'human' : laneOfOp(op);
      lane(who, at);
      events.push({
        at,
        lane: who,
        kind: 'approval',
        text:
          v.event === 'requested'
            ? `✋ approval requested (${String(v.id)})`
            : `✔ approval ${v.approved === false ? 'rejected' : 'granted'} (${String(v.id)})`,
      });
    } else if (op.f === 'outcome') {
      lane('orchestrator', at);
      events.push({ at, lane: 'orchestrator', kind: 'outcome', text: `outcome: ${String(v.status)}${v.error ? ` (${textOf(v.error)})` : ''}` });
    }
  }
  for (const s of run.spans) {
    if (s.attributes[ATTR.step] === undefined) continue;
    const pid = Number(s.resource['process.pid']);
    const name = byPid.get(pid) ?? `${textOf(s.resource['service.name'] ?? 'process')} pid ${pid}`;
    const at = rel(nanosToMs(s.startTimeUnixNano));
    lane(name, at);
    const replayed = s.attributes[ATTR.replayed] === true;
    events.push({
      at,
      lane: name,
      kind: replayed ? 'replayed' : 'step',
      text: replayed ? `↺ replayed from the journal: ${stepText(s)}` : stepText(s),
      ...(replayed ? {} : { durationMs: Math.round((nanosToMs(s.endTimeUnixNano) - nanosToMs(s.startTimeUnixNano)) * 10) / 10 }),
    });
  }
  for (const e of run.ledger) {
    const name = (e.pid !== null ? byPid.get(e.pid) : undefined) ?? 'world';
    const dup = e.outcome === 'applied' && e.attempt > 1;
    const how =
      e.outcome === 'deduplicated'
        ? 'deduplicated: the world recognised the key, nothing applied twice'
        : e.outcome === 'rejected'
          ? `rejected (${e.reason ?? 'no reason'})`
          : dup
            ? `APPLIED AGAIN — DUPLICATE (request ${e.attempt} for this effect)`
            : 'applied';
    events.push({
      at: rel(e.time),
      lane: name,
      kind: dup ? 'duplicate' : 'effect',
      text: `$ effect ${e.effect} (${e.type}) ${how}${e.key ? ` · key ${e.key}` : ' · no key'}`,
    });
  }
  events.sort((a, b) => a.at - b.at);
  const services = [...new Set(run.spans.map((s) => textOf(s.resource['service.name'] ?? '?')))];
  return {
    runDir: run.dir,
    scenario: run.info.scenario,
    adapter: run.info.adapter,
    idempotency: run.info.idempotency,
    schedule: run.info.schedule.map((f) => formatFault(f)).join(', ') || 'no faults',
    outcome: run.outcome.status,
    traceIds: [...new Set(run.spans.map((s) => s.traceId))],
    services,
    lanes: [...lanes.values()].filter((l) => l.name !== 'unknown'),
    events,
  };
}
