/**
 * Each command's flags declared once (FlagSchema): the form of every value (the adapter options' OptionSpec), whether
 * it may be repeated, and the directory or file an `--out` must be able to become. `checkFlags` turns a schema into a
 * yargs check, so a bad value stops the command with exit 2 naming the flag and the expected form before anything starts.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MAX_DELAY_MS } from '../faults/types.js';
import { UsageError } from '../errors.js';
import { expectation, parseValue, type OptionSpec } from '../run/options.js';

/** Where a command writes: a directory it creates if needed (`dir`), or a file whose folder it creates (`file`). */
export interface OutSpec {
  type: 'out';
  writes: 'dir' | 'file';
  description: string;
}

export type FlagSpec = (OptionSpec | OutSpec) & {
  /** `many`: an array flag (each value checked); `last`: a repeat is allowed and the last value counts; default: once. */
  repeat?: 'many' | 'last';
  /** The error code when the value has the wrong form (default ORD-142). */
  code?: string;
};

/** A command's flags by name, as given on the command line (kebab-case). */
export type FlagSchema = Record<string, FlagSpec>;

/** The longest timer Node can arm: a larger delay fires at once (ms). */
export const MAX_TIMER_MS = MAX_DELAY_MS;

/** Flags shared by the commands that run cases (`run`, `check`, `replay`). */
export const caseFlagSchema = {
  adapter: { type: 'string', description: 'an adapter name from ordeal list' },
  idempotency: { type: 'choice', choices: ['framework', 'none'], description: 'idempotency mode' },
  seed: { type: 'integer', min: -(2 ** 31), max: 2 ** 31 - 1, description: 'seed' },
  timeout: { type: 'integer', min: 1, max: MAX_TIMER_MS, unit: 'milliseconds', description: 'case timeout' },
  out: { type: 'out', writes: 'dir', description: 'where run folders are written' },
  opt: { type: 'string', repeat: 'many', description: 'key=value' },
  json: { type: 'boolean', description: 'JSON output' },
  'otlp-endpoint': { type: 'url', protocols: ['http', 'https'], repeat: 'last', description: 'OTLP collector', code: 'ORD-150' },
  launcher: { type: 'choice', choices: ['native', 'containers'], description: 'where engines run', code: 'ORD-108' },
  image: { type: 'string', repeat: 'many', description: 'ENGINE=IMAGE[,bin=/path]' },
} as const satisfies FlagSchema;

/** A flag's name as the user typed it. */
const flagName = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);

/** What is wrong with `out` as a place to write, or undefined when the command can create and write it. */
export function outProblem(out: string, writes: 'dir' | 'file'): string | undefined {
  const abs = resolve(out);
  if (out.includes('\0')) return 'holds a NUL byte';
  if (existsSync(abs)) {
    const isDir = statSync(abs).isDirectory();
    if (writes === 'dir' && !isDir) return 'is a file, not a directory';
    if (writes === 'file' && isDir) return 'is a directory, not a file';
  }
  // the nearest part of the path that exists must be a directory ordeal can write into
  let p = writes === 'dir' && existsSync(abs) ? abs : dirname(abs);
  while (!existsSync(p)) p = dirname(p);
  if (!statSync(p).isDirectory()) return `cannot be created: ${p} is a file`;
  try {
    accessSync(p, constants.W_OK | constants.X_OK);
  } catch {
    return `cannot be written: no permission to write in ${p}`;
  }
  return undefined;
}

/** Checks one flag's value against its spec; a UsageError naming the flag, the value and the expected form otherwise. */
function checkValue(name: string, spec: FlagSpec, v: unknown): void {
  const flag = flagName(name);
  if (spec.type === 'out') {
    const problem = typeof v === 'string' && v !== '' ? outProblem(v, spec.writes) : 'is empty';
    if (problem)
      throw new UsageError(
        `${flag} '${String(v)}' ${problem}: expected ${spec.writes === 'dir' ? 'a directory' : 'a file path'} ordeal can create and write (${spec.description})`,
        'ORD-143',
      );
    return;
  }
  const expected = expectation(spec);
  // yargs reads a number flag whose value is not a number as NaN
  if ((spec.type === 'integer' || spec.type === 'number') && (typeof v !== 'number' || Number.isNaN(v)))
    throw new UsageError(`${flag}: not a number; expected ${expected}`, spec.code ?? 'ORD-142');
  if (spec.type === 'boolean') return;
  try {
    parseValue(name, spec, String(v));
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(v)}: expected ${expected}`, spec.code ?? 'ORD-142');
  }
}

/** The yargs check of a command: every flag of the schema given once (unless declared repeatable) and of its form. */
export function checkFlags(schema: FlagSchema): (argv: Record<string, unknown>) => true {
  return (argv) => {
    const raw = process.argv.slice(2);
    for (const [name, spec] of Object.entries(schema)) {
      // `--timeout` as the last word, before another flag or as `--timeout=`: yargs reads it as no value (or the default)
      const bare = (w: string, i: number) => w === `--${name}=` || (w === `--${name}` && (i + 1 === raw.length || raw[i + 1]!.startsWith('--')));
      if (spec.type !== 'boolean' && raw.some(bare)) {
        const expected = spec.type === 'out' || spec.type === 'string' ? `a value (${spec.description})` : expectation(spec);
        throw new UsageError(`${flagName(name)} given without a value: expected ${expected}`, 'ORD-142');
      }
      const v = argv[name];
      if (v === undefined) continue;
      let values = Array.isArray(v) ? v : [v];
      if (Array.isArray(v) && spec.repeat === undefined && spec.type !== 'boolean' && v.length > 1)
        throw new UsageError(
          `${flagName(name)} given ${v.length} times (${v.map((x) => JSON.stringify(x)).join(', ')}): expected it once`,
          'ORD-141',
        );
      if (spec.repeat === 'last') values = values.slice(-1);
      for (const x of values) checkValue(name, spec, x);
    }
    return true;
  };
}
