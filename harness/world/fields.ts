/** Checks of untrusted request bodies; each failure is a 400 naming the field and what was expected. */
import { isRecord } from '../json.js';
import { badField } from './http-error.js';

export type Json = Record<string, unknown>;

export function objectBody(v: unknown, what: string): Json {
  if (!isRecord(v)) throw badField('(body)', `must be a JSON object: ${what}`, v);
  return v;
}

export function reqString(o: Json, field: string, opts: { nonEmpty?: boolean } = {}): string {
  const v = o[field];
  if (typeof v !== 'string' || (opts.nonEmpty && v.length === 0))
    throw badField(field, opts.nonEmpty ? 'must be a non-empty string' : 'must be a string', v);
  return v;
}

export function optString(o: Json, field: string): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badField(field, 'must be a string when present', v);
  return v;
}

export function optInteger(o: Json, field: string, min = 0): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw badField(field, `must be a whole number ≥ ${min} when present`, v);
  return v;
}

export function optBoolean(o: Json, field: string): boolean | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badField(field, 'must be true or false when present', v);
  return v;
}

export function optObject(o: Json, field: string): Json | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw badField(field, 'must be a JSON object when present', v);
  return v;
}
