import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { scenariosDir } from '../paths.js';
import type { Scenario } from './types.js';
import { validateScenario } from './validate.js';
import { jsonErrorOffset } from './json-error.js';

/** How deep a JSON file ordeal reads may nest (objects and arrays); deeper would overflow the stack of whatever walks it. */
export const MAX_JSON_DEPTH = 64;

/** How deep a JSON value nests (a scalar is 0), counted without recursion. */
export function jsonDepth(v: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    max = Math.max(max, d + 1);
    if (max > MAX_JSON_DEPTH) return max;
    for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

/** Parses JSON and, on a syntax error, names the file, line and column; refuses bytes that are not UTF-8 and a value nested too deep. */
export function parseJsonFile(file: string): unknown {
  let text: string;
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a readable JSON file`, 'ORD-202');
  }
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstBadUtf8(bytes);
    throw new InputError(`${file}: not UTF-8 (byte ${at} is 0x${bytes[at]?.toString(16)}); expected a JSON file in UTF-8`, 'ORD-221');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (e instanceof RangeError)
      throw new InputError(`${file}: nested deeper than ${MAX_JSON_DEPTH} levels; expected a flatter JSON document`, 'ORD-222');
    const at = jsonErrorOffset(text);
    let where = '';
    if (at >= 0) {
      const before = text.slice(0, at);
      where = ` at line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`;
    }
    throw new InputError(`${file}: not valid JSON${where} (${(e as Error).message.split('\n')[0]}); expected a JSON document`, 'ORD-203');
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH)
    throw new InputError(`${file}: nested deeper than ${MAX_JSON_DEPTH} levels (objects and arrays); expected a flatter JSON document`, 'ORD-222');
  return value;
}

/** The offset of the first byte that does not belong to valid UTF-8 (where a lenient decoder puts its first U+FFFD). */
function firstBadUtf8(bytes: Buffer): number {
  const text = new TextDecoder('utf-8').decode(bytes);
  return Buffer.byteLength(text.slice(0, Math.max(0, text.indexOf('\uFFFD'))));
}

export function loadScenarioFile(file: string): Scenario {
  return validateScenario(parseJsonFile(file), file);
}

/** The scenarios shipped with ordeal, by name. */
export function builtinScenarioNames(dir = scenariosDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Resolves a scenario by built-in name or by path to a JSON file. */
export function resolveScenario(nameOrPath: string, dir = scenariosDir): Scenario {
  if (nameOrPath.endsWith('.json') || nameOrPath.includes('/')) return loadScenarioFile(resolve(nameOrPath));
  const names = builtinScenarioNames(dir);
  if (!names.includes(nameOrPath))
    throw new UsageError(`unknown scenario '${nameOrPath}': expected one of ${names.join(', ')} or a path to a scenario .json file`, 'ORD-102');
  return loadScenarioFile(join(dir, `${nameOrPath}.json`));
}
