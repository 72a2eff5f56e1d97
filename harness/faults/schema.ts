/** A fault's parameters declared once (ParamSpec): checking, defaults, typed values and their `ordeal list` text derive from it. */
import { InputError } from '../errors.js';
import type { FaultSpec } from '../store/types.js';
import { MAX_DELAY_MS, type Fault, type FaultDefinition, type Params, type ParamSchema, type ParamSpec } from './types.js';

/** A parameter's form, as errors and `ordeal list` name it: `a whole number from 1 to 2147483647 (ms)`. */
export function paramForm(p: ParamSpec): string {
  switch (p.type) {
    case 'integer':
      return `a whole number from ${p.min} to ${p.max}${p.unit ? ` (${p.unit})` : ''}`;
    case 'choice':
      return `one of ${p.values.join(', ')}`;
    case 'resource':
      return "the id of one of the scenario's fixture resources";
    case 'approval-edit':
      return "a field of the approval request's payload";
    case 'string':
      return 'a non-empty string';
    case 'scalar':
      return 'a string, a number or true/false';
  }
}

/** `ms=1..2147483647 ms (default 1000): how long …`, one parameter for `ordeal list` (`resource=ID`, `field=TEXT`, …). */
export function paramLine(name: string, p: ParamSpec): string {
  const placeholder = { resource: 'ID', 'approval-edit': 'FIELD', string: 'TEXT', scalar: 'VALUE' } as const;
  const form =
    p.type === 'integer' ? `${p.min}..${p.max}${p.unit ? ` ${p.unit}` : ''}` : p.type === 'choice' ? p.values.join('|') : placeholder[p.type];
  const def = 'default' in p && p.default !== undefined ? ` (default ${p.default})` : p.required ? ' (required)' : '';
  return `${name}=${form}${def}: ${p.doc}`;
}

/** The fault's line in `ordeal list`: its description, then each parameter. */
export function faultHelp(f: Pick<Fault, 'description' | 'params'>): string {
  const params = Object.entries(f.params).map(([n, p]) => paramLine(n, p));
  return params.length ? `${f.description}; ${params.join('; ')}` : f.description;
}

/** The value of one parameter as given, or undefined when it does not have the parameter's form. */
function valueOf(p: ParamSpec, v: unknown): unknown {
  switch (p.type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && v >= p.min && v <= p.max ? v : undefined;
    case 'choice':
      return ['string', 'number', 'boolean'].includes(typeof v) && p.values.includes(String(v)) ? String(v) : undefined;
    case 'scalar':
      return ['string', 'number', 'boolean'].includes(typeof v) ? v : undefined;
    default:
      // `--fault …,resource=42` reads 42 as a number: an id or a field name is its text
      return (typeof v === 'string' && v !== '') || typeof v === 'number' ? String(v) : undefined;
  }
}

/** Checks a spec's parameters against the schema and returns them typed, defaults filled in; an InputError (exit 2) otherwise. */
export function readParams<S extends ParamSchema>(fault: string, schema: S, spec: FaultSpec): Params<S> {
  const names = Object.keys(schema);
  for (const k of Object.keys(spec)) {
    if (k === 'fault' || k === 'at' || names.includes(k)) continue;
    const expected = names.length ? names.map((n) => `${n}=…`).join(', ') : 'no parameters';
    throw new InputError(`fault ${fault}: unknown parameter '${k}': expected ${expected}`, 'ORD-207');
  }
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(schema)) {
    const given = spec[k];
    const example = 'default' in p && p.default !== undefined ? `, e.g. ${k}=${p.default}` : '';
    if (given === undefined) {
      if (p.required) throw new InputError(`fault ${fault}: parameter '${k}' is needed: ${paramForm(p)} (${p.doc})`, 'ORD-207');
      out[k] = 'default' in p ? p.default : undefined;
      continue;
    }
    const v = valueOf(p, given);
    if (v === undefined)
      throw new InputError(`fault ${fault}: parameter '${k}' must be ${paramForm(p)}${example} (got ${JSON.stringify(given)})`, 'ORD-207');
    out[k] = v;
  }
  return out as Params<S>;
}

/** Refuses a schema that contradicts itself (a programming error, found when the fault's module loads). */
function checkSchema(fault: string, schema: ParamSchema): void {
  const fail = (k: string, what: string): never => {
    throw new Error(`fault ${fault}: parameter '${k}' ${what}`);
  };
  for (const [k, p] of Object.entries(schema)) {
    if (p.type === 'integer') {
      if (!(Number.isInteger(p.min) && Number.isInteger(p.max) && p.min <= p.max)) fail(k, `has no range: ${p.min}..${p.max}`);
      const factor = p.unit === 's' ? 1000 : p.unit === 'ms' ? 1 : 0;
      if (factor && p.max * factor > MAX_DELAY_MS) fail(k, `allows ${p.max} ${p.unit}, longer than a timer can wait (${MAX_DELAY_MS} ms)`);
      if (p.default !== undefined && (p.default < p.min || p.default > p.max)) fail(k, `defaults to ${p.default}, outside ${p.min}..${p.max}`);
      if (p.draw && !(p.min <= p.draw.min && p.draw.min <= p.draw.max && p.draw.max <= p.max))
        fail(k, `draws ${p.draw.min}..${p.draw.max}, outside ${p.min}..${p.max}`);
    }
    if (p.type === 'choice') {
      if (p.default !== undefined && !p.values.includes(p.default)) fail(k, `defaults to ${p.default}, not one of ${p.values.join(', ')}`);
      if (typeof p.draw === 'object' && !p.draw.engineLinkOnly.every((v) => p.values.includes(v))) fail(k, 'draws values it does not accept');
    }
  }
}

/** A fault from its declaration: the registry's untyped functions check the spec and hand the typed parameters on. */
export function defineFault<const S extends ParamSchema>(def: FaultDefinition<S>): Fault {
  checkSchema(def.name, def.params);
  const read = (spec: FaultSpec): Params<S> => {
    const p = readParams(def.name, def.params, spec);
    def.validate?.(p);
    return p;
  };
  const { proxyTarget, workerEnv, human, times } = def;
  return {
    name: def.name,
    description: def.description,
    params: def.params,
    ...(def.needsEngine ? { needsEngine: true } : {}),
    ...(def.needsProxy ? { needsProxy: true } : {}),
    ...(def.needsDisk ? { needsDisk: true } : {}),
    ...(def.triggers ? { triggers: def.triggers } : {}),
    ...(proxyTarget ? { proxyTarget: (spec: FaultSpec) => proxyTarget(read(spec)) } : {}),
    ...(workerEnv ? { workerEnv: (spec: FaultSpec) => workerEnv(read(spec)) } : {}),
    ...(human ? { human: (spec: FaultSpec, plan) => human(read(spec), plan) } : {}),
    ...(times ? { times: (spec: FaultSpec) => times(read(spec)) } : {}),
    validate: (spec) => void read(spec),
    fire: (ctx, spec, trigger) => def.fire(ctx, read(spec), trigger),
  };
}
