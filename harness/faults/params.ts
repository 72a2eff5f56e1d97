/** Reading and checking a fault's `key=value` parameters, with errors that name the parameter and its form. */
import { InputError } from '../errors.js';
import type { FaultSpec } from '../store/types.js';

const bad = (spec: FaultSpec, key: string, form: string): never => {
  throw new InputError(`fault ${spec.fault}: parameter '${key}' must be ${form} (got ${JSON.stringify(spec[key])})`, 'ORD-207');
};

/** A whole number ≥ min, or the default when absent. */
export function intParam(spec: FaultSpec, key: string, def: number, min = 0): number {
  const v = spec[key];
  if (v === undefined) return def;
  return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : bad(spec, key, `a whole number ≥ ${min}, e.g. ${key}=${Math.max(def, min)}`);
}

/** One of `choices`, or the default when absent. */
export function choiceParam<T extends string>(spec: FaultSpec, key: string, choices: readonly T[], def: T): T {
  const v = spec[key] === undefined ? def : String(spec[key]);
  return (choices as readonly string[]).includes(v) ? (v as T) : bad(spec, key, `one of ${choices.join(', ')}`);
}

/** A non-empty string, or the default (undefined when none). */
export function strParam(spec: FaultSpec, key: string, def?: string): string | undefined {
  const v = spec[key];
  if (v === undefined) return def;
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : bad(spec, key, 'a non-empty string');
}

/** Rejects parameters the fault does not know, naming the ones it does. */
export function onlyParams(spec: FaultSpec, known: string[]): void {
  for (const k of Object.keys(spec)) {
    if (k === 'fault' || k === 'at' || known.includes(k)) continue;
    throw new InputError(
      `fault ${spec.fault}: unknown parameter '${k}': expected ${known.length ? known.map((p) => `${p}=…`).join(', ') : 'no parameters'}`,
      'ORD-207',
    );
  }
}
