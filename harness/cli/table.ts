import { stripVTControlCharacters } from 'node:util';

/** A plain text table: columns padded to the widest cell, long cells cut. */
export function table(header: string[], rows: string[][], maxWidth = 70): string {
  const visible = (s: string) => stripVTControlCharacters(s).length;
  const cut = (s: string) => (visible(s) > maxWidth ? s.slice(0, maxWidth - 1) + '…' : s);
  const cells = [header, ...rows].map((r) => r.map(cut));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => visible(r[i] ?? ''))));
  const pad = (c: string, w: number) => c + ' '.repeat(Math.max(0, w - visible(c)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const color = (code: number) => (s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
export const red = color(31);
export const green = color(32);
export const yellow = color(33);
export const dim = color(2);

export function verdictWord(valid: boolean | 'unknown'): string {
  return valid === true ? green('valid') : valid === false ? red('INVALID') : yellow('unknown');
}
