import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { scenariosDir } from '../paths.js';
import type { Scenario } from './types.js';
import { validateScenario } from './validate.js';
import { jsonErrorOffset } from './json-error.js';

/** Parses JSON and, on a syntax error, names the file, line and column. */
export function parseJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a readable JSON file`, 'ORD-202');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorOffset(text);
    let where = '';
    if (at >= 0) {
      const before = text.slice(0, at);
      where = ` at line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`;
    }
    throw new InputError(`${file}: not valid JSON${where} (${(e as Error).message.split('\n')[0]}); expected a JSON document`, 'ORD-203');
  }
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
