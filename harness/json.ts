/** Plain JSON values: telling an object from an array or null, a canonical text for comparing values, a value as text. */

/** A plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * JSON with object keys sorted, so equal values have equal text. `undefined` reads as it would after a JSON round trip:
 * a key holding it is left out (`{a: undefined}` equals `{}`), an array element or the whole value is `null`.
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)) ?? 'null';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

/** A JSON value as text for a message or a key: a string as it is, anything else as its JSON (never `[object Object]`). */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? String(v);
}
