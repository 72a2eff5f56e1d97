/** `ordeal trace` in the terminal: one bar per process incarnation, then every event in time order. */
import type { Lane, Timeline } from './timeline.js';

const WIDTH = 50;

function bar(l: Lane, total: number): string {
  const scale = (t: number) => Math.min(WIDTH, Math.max(0, Math.round((t / Math.max(total, 1)) * WIDTH)));
  const from = scale(l.start);
  const to = Math.max(from + 1, scale(l.end ?? total));
  return ' '.repeat(from) + '█'.repeat(to - from) + ' '.repeat(Math.max(0, WIDTH - to));
}

const fmt = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`);

export function renderTimeline(t: Timeline): string {
  const total = Math.max(0, ...t.events.map((e) => e.at + (e.durationMs ?? 0)), ...t.lanes.map((l) => l.end ?? 0));
  const width = Math.max(12, ...t.lanes.map((l) => l.name.length));
  const out: string[] = [];
  out.push(`${t.scenario} on ${t.adapter} · idempotency ${t.idempotency} · ${t.schedule} · outcome ${t.outcome}`);
  out.push(`run folder ${t.runDir}`);
  out.push(
    t.traceIds.length === 0
      ? 'no spans were received (spans.jsonl is empty): the timeline below comes from the history and the ledger'
      : `trace ${t.traceIds.join(', ')} · spans from ${t.services.join(', ')}`,
  );
  out.push('');
  out.push(`processes (one lane per incarnation; the bar is its lifetime over the ${fmt(total)} of the case)`);
  for (const l of t.lanes.filter((x) => x.pid !== undefined)) {
    const pid = l.pid !== undefined ? `pid ${l.pid}` : '';
    out.push(`  ${l.name.padEnd(width)} │${bar(l, total)}│ ${pid}${l.ended ? ` · ${l.ended} at +${fmt(l.end ?? 0)}` : ''}`);
  }
  out.push('');
  out.push('events (+time since the case started; ↺ = answered from the journal, $ = effect at the world, ⚡ = fault, ✖ = process ended)');
  for (const e of t.events) {
    const dur = e.durationMs !== undefined ? ` (${fmt(e.durationMs)})` : '';
    out.push(`  ${`+${fmt(e.at)}`.padStart(8)}  ${e.lane.padEnd(width)}  ${e.text}${dur}`);
  }
  const dups = t.events.filter((e) => e.kind === 'duplicate').length;
  out.push('');
  out.push(dups > 0 ? `${dups} effect(s) applied more than once: see the lines marked DUPLICATE.` : 'No effect was applied twice.');
  return out.join('\n');
}
