/** Small helpers shared by the checkers: defensive reads of a possibly damaged run, and wording. */
import { isRecord } from '../json.js';
import type { LedgerEntry, Op } from '../store/types.js';

/** The history as an array, whatever the run folder held. */
export function opsOf(history: unknown): Op[] {
  return Array.isArray(history) ? history.filter(isRecord).map((op) => op as unknown as Op) : [];
}

/** The ledger as an array, whatever the run folder held. */
export function entriesOf(ledger: unknown): LedgerEntry[] {
  return Array.isArray(ledger) ? ledger.filter(isRecord).map((e) => e as unknown as LedgerEntry) : [];
}

export { isRecord } from '../json.js';

/** An op's value, or an empty object when the op lost it. */
export function valueOf(op: Op): Record<string, unknown> {
  return isRecord(op.value) ? op.value : {};
}

export function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** The op's position: its `index` when recorded, else where it sits in the array. */
export function indexOf(op: Op, position: number): number {
  return num(op.index) ?? position;
}

/** `#0`, `#0 and #3`, `#0, #3 and #5`. */
export function listRefs(refs: (number | string)[]): string {
  const items = refs.map((r) => `#${r}`);
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `once`, `twice`, `3 times`. */
export function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

/** Cuts a long text for a one-sentence message. */
export function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
