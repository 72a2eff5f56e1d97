/**
 * Each command's flags declared once (FlagSchema): the form of every value (the adapter options' OptionSpec), whether
 * it may be repeated, and the directory or file an `--out` must be able to become. `checkFlags` turns a schema into a
 * yargs check, so a bad value stops the command with exit 2 naming the flag and the expected form before anything starts.
 * `checkEveryFlag`, a check of every command, refuses what no schema has to declare: a flag that takes one value given
 * more than once, and a switch given a value.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { MAX_DELAY_MS } from '../faults/types.js';
import { UsageError } from '../errors.js';
import { expectation, parseValue, type OptionSpec } from '../run/options.js';
import { SEED_MAX, SEED_MIN } from '../store/run-info.js';

/** Where a command writes: a directory it creates if needed (`dir`), or a file whose folder it creates (`file`). */
export interface OutSpec {
  type: 'out';
  writes: 'dir' | 'file';
  description: string;
}

export type FlagSpec = (OptionSpec | OutSpec) & {
  /** `many`: an array flag (each value checked); default: once (given twice, ORD-141). */
  repeat?: 'many';
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
  seed: { type: 'integer', min: SEED_MIN, max: SEED_MAX, description: 'seed' },
  timeout: { type: 'integer', min: 1, max: MAX_TIMER_MS, unit: 'milliseconds', description: 'case timeout' },
  out: { type: 'out', writes: 'dir', description: 'where run folders are written' },
  opt: { type: 'string', repeat: 'many', description: 'key=value' },
  json: { type: 'boolean', description: 'JSON output' },
  'otlp-endpoint': { type: 'url', protocols: ['http', 'https'], description: 'OTLP collector', code: 'ORD-150' },
  launcher: { type: 'choice', choices: ['native', 'containers'], description: 'where engines run', code: 'ORD-108' },
  image: { type: 'string', repeat: 'many', description: 'ENGINE=IMAGE[,bin=/path]' },
} as const satisfies FlagSchema;

/** A flag's name as the user typed it. */
const flagName = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);

/** `model-url` → `modelUrl`: yargs reads a flag under either spelling. */
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The command line's words up to `--` (after it, nothing is a flag). */
function flagWords(): string[] {
  const raw = process.argv.slice(2);
  const end = raw.indexOf('--');
  return end < 0 ? raw : raw.slice(0, end);
}

/** The last value the user typed for a flag (`--jobs abc`, `--jobs=abc`), as typed, or undefined. */
export function typedValue(name: string, raw = flagWords()): string | undefined {
  const spellings = new Set([`--${name}`, `--${camel(name)}`]);
  let typed: string | undefined;
  raw.forEach((w, i) => {
    const eq = w.indexOf('=');
    if (eq > 0 && spellings.has(w.slice(0, eq))) typed = w.slice(eq + 1);
    else if (spellings.has(w) && i + 1 < raw.length) typed = raw[i + 1];
  });
  return typed;
}

/** A value as a message shows it: strings quoted, NaN as NaN (JSON would say null). */
const shown = (v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v));

/** ORD-141: a flag that takes one value was given `values.length` times. */
export function givenMoreThanOnce(flag: string, values: readonly unknown[]): UsageError {
  return new UsageError(`${flag} given ${values.length} times (${values.map(shown).join(', ')}): expected it once`, 'ORD-141');
}

/** What is wrong with `out` as a place to write, or undefined when the command can create and write it. */
export function outProblem(out: string, writes: 'dir' | 'file'): string | undefined {
  const abs = resolve(out);
  if (out.includes('\0')) return 'holds a NUL byte';
  const long = abs.split(sep).find((part) => Buffer.byteLength(part) > 255);
  if (long !== undefined) return `has a part of ${Buffer.byteLength(long)} bytes ('${long.slice(0, 20)}…'), more than the 255 a file name can hold`;
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
  if ((spec.type === 'integer' || spec.type === 'number') && (typeof v !== 'number' || Number.isNaN(v))) {
    // yargs has made what was typed NaN: show the words themselves
    const typed = typedValue(name);
    throw new UsageError(
      `${flag}${typed === undefined ? '' : ` ${JSON.stringify(typed)}`}: not a number; expected ${expected}`,
      spec.code ?? 'ORD-142',
    );
  }
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
    const raw = flagWords();
    for (const [name, spec] of Object.entries(schema)) {
      // `--timeout` as the last word, before another flag or as `--timeout=`: yargs reads it as no value (or the default)
      const bare = (w: string, i: number) => w === `--${name}=` || (w === `--${name}` && (i + 1 === raw.length || raw[i + 1]!.startsWith('--')));
      if (spec.type !== 'boolean' && raw.some(bare)) {
        const expected = spec.type === 'out' || spec.type === 'string' ? `a value (${spec.description})` : expectation(spec);
        throw new UsageError(`${flagName(name)} given without a value: expected ${expected}`, 'ORD-142');
      }
      const v = argv[name];
      if (v === undefined) continue;
      if (Array.isArray(v) && spec.repeat === undefined && spec.type !== 'boolean' && v.length > 1) throw givenMoreThanOnce(flagName(name), v);
      for (const x of Array.isArray(v) ? v : [v]) checkValue(name, spec, x);
    }
    return true;
  };
}

/** The flags yargs declared for the command being run (the second argument of a yargs check). */
export interface DeclaredFlags {
  key: Record<string, unknown>;
  array: string[];
  boolean: string[];
}

/**
 * The check of every command (registered once, globally): a flag that takes one value given more than once
 * (ORD-141; yargs would keep them all, and the command would read an array), and a switch given a value
 * (`--resume=maybe`, which yargs reads as false; ORD-142).
 */
export function checkEveryFlag(argv: Record<string, unknown>, declared: DeclaredFlags): true {
  const many = new Set(declared.array);
  const switches = new Set(declared.boolean.flatMap((b) => [b, camel(b)]));
  for (const name of Object.keys(declared.key)) {
    const v = argv[name];
    if (!declared.boolean.includes(name) && !many.has(name) && Array.isArray(v) && v.length > 1) throw givenMoreThanOnce(flagName(name), v);
  }
  for (const w of flagWords()) {
    const m = /^--(?:no-)?([^=]+)=(.*)$/s.exec(w);
    if (!m || !switches.has(m[1]!) || m[2] === 'true' || m[2] === 'false') continue;
    const flag = w.slice(0, w.indexOf('='));
    throw new UsageError(`${w}: ${flag} is a switch and takes no value: expected ${flag} alone, or =true / =false`, 'ORD-142');
  }
  return true;
}
