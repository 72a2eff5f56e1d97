// The one option parser every adapter's `--opt`s go through: defaults, typed values, and messages that name the option,
// the value and what was expected.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../harness/errors.js';
import { describeOptions, parseOptions, schemaProblem, sharedOptions, type OptionSchema } from '../../../../harness/run/options.js';

const schema = {
  mode: { type: 'choice', choices: ['fast', 'safe'], default: 'safe', description: 'how' },
  level: { type: 'choice', choices: ['LOW', 'MID', 'HIGH'], ignoreCase: true, default: 'MID', description: 'how much' },
  count: { type: 'integer', min: 1, max: 9, default: 3, description: 'how many' },
  delayMs: { type: 'number', above: 0, default: 20, unit: 'milliseconds', description: 'how long' },
  verbose: { type: 'boolean', default: false, description: 'talk' },
  db: { type: 'url', protocols: ['postgresql', 'postgres'], example: 'postgresql://u@h:1/d', description: 'where' },
  label: { type: 'string', default: () => 'from-env', defaultNote: 'the environment', description: 'a name' },
} as const satisfies OptionSchema;

const parse = (raw: Record<string, string>) => parseOptions(schema, raw, 'demo');
const message = (raw: Record<string, string>) => {
  try {
    parse(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).code).toBe('ORD-110');
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('parseOptions', () => {
  it('fills every default, calling a default function, and leaves an option without one unset', () => {
    expect(parse({})).toEqual({ mode: 'safe', level: 'MID', count: 3, delayMs: 20, verbose: false, db: undefined, label: 'from-env' });
  });

  it('turns given values into their types', () => {
    const o = parse({ mode: 'fast', level: 'high', count: '9', delayMs: '0.5', verbose: 'true', db: 'postgres://u@h:5432/d', label: 'x' });
    expect(o).toEqual({ mode: 'fast', level: 'HIGH', count: 9, delayMs: 0.5, verbose: true, db: 'postgres://u@h:5432/d', label: 'x' });
  });

  it('refuses an unknown option, naming it and every known one', () => {
    expect(message({ colour: 'red' })).toBe(
      '--opt colour: not an option of the demo adapter; expected one of mode, level, count, delayMs, verbose, db, label',
    );
    expect(() => parseOptions({}, { x: '1' }, 'plain')).toThrow('--opt x: not an option of the plain adapter; it takes no options');
  });

  it('with ignoreUnknown, reads only the options it declares', () => {
    expect(parseOptions(sharedOptions, { toolCalls: 'sequential', pollMs: '5' }, 'reference', { ignoreUnknown: true })).toEqual({
      toolCalls: 'sequential',
    });
  });

  it('names the option, the value and what was expected', () => {
    expect(message({ mode: 'slow' })).toBe('--opt mode=slow: expected fast or safe');
    expect(message({ level: 'max' })).toBe('--opt level=max: expected one of LOW, MID, HIGH');
    expect(message({ count: '0' })).toBe('--opt count=0: expected an integer ≥ 1 and ≤ 9');
    expect(message({ count: '2.5' })).toBe('--opt count=2.5: expected an integer ≥ 1 and ≤ 9');
    expect(message({ count: '' })).toBe('--opt count=: expected an integer ≥ 1 and ≤ 9');
    expect(message({ delayMs: '0' })).toBe('--opt delayMs=0: expected a number > 0 (milliseconds)');
    expect(message({ delayMs: 'soon' })).toBe('--opt delayMs=soon: expected a number > 0 (milliseconds)');
    expect(message({ verbose: 'yes' })).toBe('--opt verbose=yes: expected true or false');
    expect(message({ db: 'mysql://h/d' })).toBe('--opt db=mysql://h/d: expected a postgresql:// or postgres:// URL, e.g. postgresql://u@h:1/d');
    expect(message({ db: 'not a url' })).toMatch(/^--opt db=not a url: expected a postgresql:/);
  });

  it('the shared toolCalls option: concurrent by default, or sequential', () => {
    expect(parseOptions(sharedOptions, {}, 'x').toolCalls).toBe('concurrent');
    expect(parseOptions(sharedOptions, { toolCalls: 'sequential' }, 'x').toolCalls).toBe('sequential');
    expect(() => parseOptions(sharedOptions, { toolCalls: 'parallel' }, 'x')).toThrow('--opt toolCalls=parallel: expected concurrent or sequential');
  });
});

describe('describeOptions', () => {
  it('gives each option its type, default, range and a description, as plain data', () => {
    const d = describeOptions(schema);
    expect(Object.keys(d)).toEqual(Object.keys(schema));
    expect(d.mode).toEqual({ type: 'choice', choices: ['fast', 'safe'], default: 'safe', description: 'how', expected: 'fast or safe' });
    expect(d.count).toMatchObject({ type: 'integer', min: 1, max: 9, default: 3 });
    expect(d.label).toEqual({ type: 'string', defaultNote: 'the environment', description: 'a name', expected: 'a string' });
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});

describe('schemaProblem (a user module’s schema)', () => {
  it('accepts a well-formed schema and says what is wrong with a bad one', () => {
    expect(schemaProblem(schema)).toBeUndefined();
    expect(schemaProblem([])).toMatch(/must be an object/);
    expect(schemaProblem({ a: { type: 'float', description: 'x' } })).toMatch(/option 'a': 'type' must be one of choice, integer/);
    expect(schemaProblem({ a: { type: 'choice', choices: [], description: 'x' } })).toMatch(/'choices' must be a non-empty array/);
    expect(schemaProblem({ a: { type: 'string' } })).toMatch(/'description' must be a string/);
  });
});
