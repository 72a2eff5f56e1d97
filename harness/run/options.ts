/**
 * Adapter options (`--opt key=value`): each adapter declares a schema, and this one parser turns the raw strings
 * into typed values with defaults, refusing an unknown option or a bad value (UsageError ORD-110). Light: no imports
 * beyond the errors, so manifests and workers may use it.
 */
import { TOOL_CALLS_MODES } from '../agent/loop.js';
import { UsageError } from '../errors.js';

/** Options as the command line, a gate config or a worker's ORDEAL_OPTIONS give them. */
export type RawOptions = Record<string, string>;

interface OptionBase<T> {
  /** One line for `ordeal list`. */
  description: string;
  /** Used when the option is not given; a function is called at parse time (e.g. to read the environment). */
  default?: T | (() => T);
  /** What `ordeal list` shows for a default computed by a function. */
  defaultNote?: string;
  /** Said after the expectation in messages, e.g. `milliseconds`. */
  unit?: string;
}

export interface ChoiceOption extends OptionBase<string> {
  type: 'choice';
  choices: readonly string[];
  /** Accept any case; the value becomes the declared spelling. */
  ignoreCase?: boolean;
}
export interface IntegerOption extends OptionBase<number> {
  type: 'integer';
  min?: number;
  max?: number;
}
export interface NumberOption extends OptionBase<number> {
  type: 'number';
  min?: number;
  /** Exclusive lower bound (`above: 0`: positive). */
  above?: number;
  max?: number;
}
export interface StringOption extends OptionBase<string> {
  type: 'string';
}
export interface UrlOption extends OptionBase<string> {
  type: 'url';
  /** Schemes accepted, without `://` (default: any). */
  protocols?: readonly string[];
  /** Shown in the message, e.g. `postgresql://user@host:port/db`. */
  example?: string;
}
export interface BooleanOption extends OptionBase<boolean> {
  type: 'boolean';
}

export type OptionSpec = ChoiceOption | IntegerOption | NumberOption | StringOption | UrlOption | BooleanOption;
export const OPTION_TYPES: readonly OptionSpec['type'][] = ['choice', 'integer', 'number', 'string', 'url', 'boolean'];

/** An adapter's options by name, in the order `ordeal list` shows them. */
export type OptionSchema = Record<string, OptionSpec>;

type ValueOf<O> = O extends { type: 'choice'; choices: readonly (infer T)[] }
  ? T
  : O extends { type: 'integer' | 'number' }
    ? number
    : O extends { type: 'boolean' }
      ? boolean
      : string;

/** The typed record `parseOptions` returns: an option with a default is always set. */
export type ParsedOptions<S extends OptionSchema> = {
  -readonly [K in keyof S]: S[K] extends { default: unknown } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** Options every built-in adapter takes (its manifest spreads them into its schema). */
export const sharedOptions = {
  toolCalls: {
    type: 'choice',
    choices: TOOL_CALLS_MODES,
    default: 'concurrent',
    description: 'how the agent loop runs the tool calls of one model turn: all at once, or one after the other',
  },
} as const satisfies OptionSchema;

/** What a value of this option must look like, e.g. `an integer ≥ 1 (milliseconds)`. */
export function expectation(spec: OptionSpec): string {
  const unit = spec.unit ? ` (${spec.unit})` : '';
  switch (spec.type) {
    case 'choice':
      return spec.choices.length === 2 ? `${spec.choices[0]} or ${spec.choices[1]}` : `one of ${spec.choices.join(', ')}`;
    case 'integer':
    case 'number': {
      const what = spec.type === 'integer' ? 'an integer' : 'a number';
      const low = spec.type === 'number' && spec.above !== undefined ? `> ${spec.above}` : spec.min !== undefined ? `≥ ${spec.min}` : undefined;
      const range = low && spec.max !== undefined ? ` ${low} and ≤ ${spec.max}` : low ? ` ${low}` : spec.max !== undefined ? ` ≤ ${spec.max}` : '';
      return `${what}${range}${unit}`;
    }
    case 'boolean':
      return 'true or false';
    case 'url': {
      const schemes = spec.protocols?.length ? `${spec.protocols.map((p) => `${p}://`).join(' or ')} ` : '';
      return `a ${schemes}URL${spec.example ? `, e.g. ${spec.example}` : ''}`;
    }
    case 'string':
      return `a string${unit}`;
  }
}

/** The value of one option, or a UsageError naming the option, the value and what was expected. */
export function parseValue(name: string, spec: OptionSpec, v: string): string | number | boolean {
  const bad = (): never => {
    throw new UsageError(`--opt ${name}=${v}: expected ${expectation(spec)}`, 'ORD-110');
  };
  switch (spec.type) {
    case 'choice': {
      const hit = spec.choices.find((c) => c === v || (spec.ignoreCase === true && c.toLowerCase() === v.toLowerCase()));
      return hit ?? bad();
    }
    case 'integer':
    case 'number': {
      const n = v.trim() === '' ? Number.NaN : Number(v);
      if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) return bad();
      if (spec.min !== undefined && n < spec.min) return bad();
      if (spec.type === 'number' && spec.above !== undefined && n <= spec.above) return bad();
      if (spec.max !== undefined && n > spec.max) return bad();
      return n;
    }
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : bad();
    case 'url': {
      try {
        new URL(v);
      } catch {
        return bad();
      }
      if (spec.protocols?.length && !spec.protocols.some((p) => v.startsWith(`${p}://`))) return bad();
      return v;
    }
    case 'string':
      return v;
  }
}

/**
 * Parses raw options against a schema: every declared option gets its value or its default; an option the schema
 * does not declare is refused, naming it and the known ones (`ignoreUnknown`: left out instead, for code that reads
 * only some of an adapter's options, such as the shared ones).
 */
export function parseOptions<S extends OptionSchema>(
  schema: S,
  raw: RawOptions,
  adapter: string,
  o: { ignoreUnknown?: boolean } = {},
): ParsedOptions<S> {
  const known = Object.keys(schema);
  if (!o.ignoreUnknown)
    for (const k of Object.keys(raw)) {
      if (Object.hasOwn(schema, k)) continue;
      const expected = known.length ? `expected one of ${known.join(', ')}` : 'it takes no options';
      throw new UsageError(`--opt ${k}: not an option of the ${adapter} adapter; ${expected}`, 'ORD-110');
    }
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(schema)) {
    const v = Object.hasOwn(raw, k) ? raw[k] : undefined;
    out[k] = v !== undefined ? parseValue(k, spec, v) : typeof spec.default === 'function' ? spec.default() : spec.default;
  }
  return out as ParsedOptions<S>;
}

/** One option as `ordeal list --json` shows it. */
export interface OptionInfo {
  type: OptionSpec['type'];
  description: string;
  default?: string | number | boolean;
  defaultNote?: string;
  choices?: readonly string[];
  min?: number;
  above?: number;
  max?: number;
  protocols?: readonly string[];
  unit?: string;
  /** What a value must look like, in words. */
  expected: string;
}

export function describeOptions(schema: OptionSchema): Record<string, OptionInfo> {
  return Object.fromEntries(
    Object.entries(schema).map(([name, s]) => {
      const info: OptionInfo = { type: s.type, description: s.description, expected: expectation(s) };
      if (s.default !== undefined && typeof s.default !== 'function') info.default = s.default;
      if (s.defaultNote) info.defaultNote = s.defaultNote;
      if (s.type === 'choice') info.choices = s.choices;
      if ((s.type === 'integer' || s.type === 'number') && s.min !== undefined) info.min = s.min;
      if (s.type === 'number' && s.above !== undefined) info.above = s.above;
      if ((s.type === 'integer' || s.type === 'number') && s.max !== undefined) info.max = s.max;
      if (s.type === 'url' && s.protocols) info.protocols = s.protocols;
      if (s.unit) info.unit = s.unit;
      return [name, info];
    }),
  );
}

/** Checks the shape of a schema a user's adapter module exports; returns what is wrong, or undefined. */
export function schemaProblem(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return 'must be an object of option name: {type, description, default?, …}';
  for (const [name, s] of Object.entries(schema as Record<string, unknown>)) {
    if (typeof s !== 'object' || s === null) return `option '${name}' must be an object {type, description, …}`;
    const spec = s as Record<string, unknown>;
    if (!OPTION_TYPES.includes(spec.type as OptionSpec['type'])) return `option '${name}': 'type' must be one of ${OPTION_TYPES.join(', ')}`;
    if (typeof spec.description !== 'string') return `option '${name}': 'description' must be a string`;
    if (spec.type === 'choice' && (!Array.isArray(spec.choices) || spec.choices.length === 0 || spec.choices.some((c) => typeof c !== 'string')))
      return `option '${name}': 'choices' must be a non-empty array of strings`;
  }
  return undefined;
}
