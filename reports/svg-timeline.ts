/** A timeline as inline SVG: lanes left to right in time, fault windows shaded, step bars, effect and approval marks. */
import { escapeXml as e } from './escape.js';
import type { Timeline, TimelineMark } from './timeline.js';

const W = 960;
const LEFT = 100;
const LANE = 28;
const TOP = 22;

const fmt = (n: number) => n.toFixed(1);

function mark(m: TimelineMark, x: number, y: number): string {
  const title = `<title>${e(m.label)}</title>`;
  const cls = `mark mark-${m.kind}`;
  switch (m.kind) {
    case 'effect':
    case 'duplicate':
      return `<g class="${cls}" data-kind="${m.kind}"><circle cx="${fmt(x)}" cy="${fmt(y)}" r="6" fill="${m.kind === 'duplicate' ? '#d1242f' : '#1a7f37'}" stroke="#fff" stroke-width="1.5"/>${title}</g>`;
    case 'deduplicated':
    case 'rejected':
      return `<g class="${cls}" data-kind="${m.kind}"><circle cx="${fmt(x)}" cy="${fmt(y)}" r="5.5" fill="#fff" stroke="${m.kind === 'rejected' ? '#9a6700' : '#57606a'}" stroke-width="2"/>${title}</g>`;
    case 'approval-requested':
    case 'approval-decided':
      return `<g class="${cls}" data-kind="${m.kind}"><path d="M${fmt(x)} ${fmt(y - 7)} L${fmt(x + 6)} ${fmt(y)} L${fmt(x)} ${fmt(y + 7)} L${fmt(x - 6)} ${fmt(y)} Z" fill="${m.kind === 'approval-decided' ? '#8250df' : '#fff'}" stroke="#8250df" stroke-width="1.5"/>${title}</g>`;
    case 'death':
      return `<g class="${cls}" data-kind="death" stroke="#111" stroke-width="2.5"><line x1="${fmt(x - 5)}" y1="${fmt(y - 5)}" x2="${fmt(x + 5)}" y2="${fmt(y + 5)}"/><line x1="${fmt(x - 5)}" y1="${fmt(y + 5)}" x2="${fmt(x + 5)}" y2="${fmt(y - 5)}"/>${title}</g>`;
    case 'start':
      return `<g class="${cls}" data-kind="start"><line x1="${fmt(x)}" y1="${fmt(y - 8)}" x2="${fmt(x)}" y2="${fmt(y + 8)}" stroke="#0969da" stroke-width="2"/>${title}</g>`;
  }
}

export function timelineSvg(t: Timeline): string {
  const span = t.t1 - t.t0;
  const x = (time: number) => LEFT + ((time - t.t0) / span) * (W - LEFT - 12);
  const laneY = (l: string) => TOP + t.lanes.indexOf(l) * LANE + LANE / 2;
  const height = TOP + t.lanes.length * LANE + 8;
  const out: string[] = [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="timeline">`,
  ];
  const step = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300].find((s) => span / 1000 / s <= 10) ?? 600;
  for (let s = 0; s * 1000 <= span; s += step) {
    const tx = x(t.t0 + s * 1000);
    out.push(
      `<line x1="${fmt(tx)}" y1="${TOP - 4}" x2="${fmt(tx)}" y2="${height - 8}" stroke="#eaeef2"/><text x="${fmt(tx)}" y="12" font-size="10" text-anchor="middle" fill="#57606a">${+s.toFixed(2)}s</text>`,
    );
  }
  for (const w of t.windows) {
    const x0 = x(w.start);
    const width = Math.max(3, x(w.end) - x0);
    out.push(
      `<rect class="fault-window" x="${fmt(x0)}" y="${TOP - 4}" width="${fmt(width)}" height="${height - TOP - 4}" fill="#f5a623" fill-opacity="0.22" stroke="#d4860b" stroke-dasharray="3 2"><title>fault ${e(w.label)}</title></rect>`,
    );
    if (t.lanes.includes('nemesis'))
      out.push(`<text x="${fmt(x0 + width + 3)}" y="${fmt(laneY('nemesis') + 4)}" font-size="10" fill="#9a6700">${e(w.label)}</text>`);
  }
  t.lanes.forEach((l, i) => {
    const y = TOP + i * LANE;
    out.push(
      `<line x1="${LEFT}" y1="${y + LANE / 2}" x2="${W - 12}" y2="${y + LANE / 2}" stroke="#d0d7de" stroke-width="0.8"/><text x="${LEFT - 8}" y="${y + LANE / 2 + 4}" font-size="12" text-anchor="end" fill="#24292f">${e(l)}</text>`,
    );
  });
  for (const b of t.bars) {
    const x0 = x(b.start);
    const width = Math.max(3, x(b.end) - x0);
    const y = laneY(b.lane) - 6;
    const fill = b.interrupted ? 'url(#hatch)' : b.attempt > 1 ? '#bf8700' : b.label.startsWith('llm') ? '#54aeff' : '#8c959f';
    out.push(
      `<rect class="bar${b.interrupted ? ' bar-interrupted' : ''}" x="${fmt(x0)}" y="${fmt(y)}" width="${fmt(width)}" height="12" rx="2" fill="${fill}" stroke="#57606a" stroke-width="0.5"><title>step ${e(b.step)} ${e(b.label)}, attempt ${b.attempt}${b.interrupted ? ' (never journaled)' : ''}</title></rect>`,
    );
  }
  for (const m of t.marks) out.push(mark(m, x(m.time), laneY(m.lane)));
  out.push(
    `<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/><line x1="0" y1="0" x2="0" y2="5" stroke="#cf222e" stroke-width="2"/></pattern></defs></svg>`,
  );
  return out.join('');
}
