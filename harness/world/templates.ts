/**
 * `{{result:N.path}}` templates in cassette arguments: replaced by the field `path` (dot path) of the JSON content
 * of the N-th `role: "tool"` message of the conversation (0-based).
 */
import { isRecord } from '../json.js';

const TEMPLATE = /\{\{\s*result:(\d+)(?:\.([^}]*?))?\s*\}\}/g;
const WHOLE = /^\{\{\s*result:(\d+)(?:\.([^}]*?))?\s*\}\}$/;

export function hasTemplate(s: string): boolean {
  TEMPLATE.lastIndex = 0;
  const found = TEMPLATE.test(s);
  // a global regex keeps where its last match ended, and matchAll starts from there: leave it at the start
  TEMPLATE.lastIndex = 0;
  return found;
}

/** The result numbers N that the templates of a string name (`{{result:N…}}`). */
export function templateResults(s: string): number[] {
  return [...s.matchAll(TEMPLATE)].map((m) => Number(m[1]));
}

/**
 * What opens like a template: `{{` then `result` or `results` (any case, as a word). Other `{{…}}` text
 * (`${{ github.sha }}`, a Jinja `{{ name }}`, a format string's `{{0}}`) is not one and is sent as written.
 */
const TEMPLATE_LIKE = /\{\{\s*results?(?![\w$])/gi;

/** The first text of `s` that opens like a template but is not one (the world would send it as written), or undefined. */
export function malformedTemplate(s: string): string | undefined {
  for (const m of s.matchAll(TEMPLATE_LIKE)) {
    const one = new RegExp(TEMPLATE.source, 'y');
    one.lastIndex = m.index;
    if (one.test(s)) continue;
    const close = s.indexOf('}}', m.index);
    const text = close < 0 ? s.slice(m.index) : s.slice(m.index, close + 2);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  }
  return undefined;
}

const MISSING = Symbol('missing');

function lookup(results: readonly unknown[], n: number, path: string | undefined): unknown {
  if (n >= results.length) return MISSING;
  let cur: unknown = results[n];
  if (path === undefined || path === '') return cur;
  for (const seg of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else if (isRecord(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return MISSING;
  }
  return cur;
}

/** Replaces templates in a string; a string that is exactly one template takes the value with its JSON type. Unresolvable templates stay as written. */
export function resolveString(s: string, results: readonly unknown[]): unknown {
  const whole = WHOLE.exec(s);
  if (whole) {
    const v = lookup(results, Number(whole[1]), whole[2]);
    return v === MISSING ? s : v;
  }
  return s.replace(TEMPLATE, (m, n: string, path: string | undefined) => {
    const v = lookup(results, Number(n), path);
    if (v === MISSING) return m;
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/** Resolves templates anywhere in a JSON value (object values, array items, strings). */
export function resolveTemplates<T>(value: T, results: readonly unknown[]): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return resolveString(v, results);
    if (Array.isArray(v)) return v.map(walk);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * Deep-equality of request arguments against a cassette call's arguments, where any string of the cassette
 * that holds a template matches whatever value is present.
 */
export function argsMatch(spec: unknown, actual: unknown): boolean {
  if (typeof spec === 'string' && hasTemplate(spec)) return actual !== undefined;
  if (Array.isArray(spec)) return Array.isArray(actual) && spec.length === actual.length && spec.every((s, i) => argsMatch(s, actual[i]));
  if (isRecord(spec)) {
    if (!isRecord(actual)) return false;
    const keys = Object.keys(spec);
    if (keys.length !== Object.keys(actual).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(actual, k) && argsMatch(spec[k], actual[k]));
  }
  return spec === actual;
}
