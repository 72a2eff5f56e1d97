/** Loading a gate config (.json, or .ts/.mjs/.js through a module) and the user's adapter modules. */
import { parseJsonFile } from '../scenario/load.js';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { InputError, UsageError } from '../errors.js';
import type { UserAdapter } from '../run/manifest.js';
import { registerAdapter } from '../../adapters/index.js';
import { schemaProblem } from '../run/options.js';
import { MAX_DELAY_MS as MAX_TIMER_MS } from '../faults/types.js';
import { isRecord } from '../json.js';
import { validateGateConfig, type GateConfig } from './config.js';

export const DEFAULT_CONFIGS = ['ordeal.config.ts', 'ordeal.config.mjs', 'ordeal.config.js', 'ordeal.config.json'];

/** The config file: the one given, else the first default that exists in the working directory. */
export function findConfig(given?: string): string {
  if (given) {
    const file = resolve(given);
    if (!existsSync(file)) throw new UsageError(`--config ${given}: no such file`, 'ORD-140');
    return file;
  }
  const found = DEFAULT_CONFIGS.map((n) => resolve(n)).find(existsSync);
  if (!found) throw new UsageError(`no gate config: give --config FILE or add one of ${DEFAULT_CONFIGS.join(', ')} to ${process.cwd()}`, 'ORD-140');
  return found;
}

/**
 * A `.ts` config is compiled with the installed TypeScript's `transpileModule` (types stripped, no type
 * check) into a temporary `.mjs` beside it, so its relative imports resolve, then imported and removed.
 */
/** TypeScript from the project the file is in, else ordeal's own (a clone's devDependency); an InputError when neither has it. */
async function typescriptFor(file: string): Promise<typeof import('typescript')> {
  for (const from of [file, import.meta.url]) {
    let path: string;
    try {
      path = createRequire(from).resolve('typescript');
    } catch {
      continue;
    }
    return ((await import(pathToFileURL(path).href)) as { default: typeof import('typescript') }).default;
  }
  throw new InputError(
    `${file}: ordeal strips the types of a .ts file with the 'typescript' package, and none is installed beside it or beside ordeal; expected \`npm install --save-dev typescript\` in your project, or the file written as .mjs (or a config as .json)`,
    'ORD-241',
  );
}

async function importTs(file: string): Promise<unknown> {
  const ts = await typescriptFor(file);
  const out = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    reportDiagnostics: true,
  });
  // transpileModule reports only syntax errors (no type check): a file that does not parse is refused, not half-run
  const bad = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (bad) {
    const at = bad.file && bad.start !== undefined ? bad.file.getLineAndCharacterOfPosition(bad.start) : undefined;
    throw new Error(`${at ? `line ${at.line + 1}, column ${at.character + 1}: ` : ''}${ts.flattenDiagnosticMessageText(bad.messageText, '\n')}`);
  }
  const tmp = join(dirname(file), `.${basename(file, extname(file))}.${process.pid}.mjs`);
  writeFileSync(tmp, out.outputText);
  try {
    return await import(pathToFileURL(tmp).href);
  } finally {
    rmSync(tmp, { force: true });
  }
}

async function rawConfig(file: string): Promise<unknown> {
  const ext = extname(file);
  if (ext === '.json') {
    try {
      return parseJsonFile(file);
    } catch (e) {
      // unreadable, not UTF-8, nested too deep or not JSON: the config cannot be loaded
      throw new InputError((e as Error).message, 'ORD-241');
    }
  }
  if (!['.ts', '.mts', '.mjs', '.js'].includes(ext)) throw new InputError(`${file}: expected a .json, .ts, .mjs or .js gate config`, 'ORD-241');
  let mod: Record<string, unknown>;
  try {
    mod = (ext === '.ts' || ext === '.mts' ? await importTs(file) : await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: could not load the config module (${(e as Error).message})`, 'ORD-241');
  }
  if (mod.default === undefined)
    throw new InputError(`${file}: the module must default-export the config object (export default { adapters: … })`, 'ORD-241');
  return mod.default;
}

export async function loadGateConfig(file: string): Promise<GateConfig> {
  return validateGateConfig(await rawConfig(file), file);
}

/** A user's adapter module loaded (path relative to `configFile`) and registered with its file; returns its name. */
export async function registerAdapterModule(path: string, configFile: string, field: string): Promise<string> {
  const file = isAbsolute(path) ? path : resolve(dirname(configFile), path);
  return registerAdapter(await loadAdapterModule(file, configFile, field), file).name;
}

/** What `--adapter` names a module by, rather than a registered adapter: a path (`./my-agent/adapter.mjs`). */
export const isAdapterPath = (arg: string): boolean => /[/\\]|\.(m?js|ts)$/.test(arg);

/**
 * Imports a user's adapter module (path relative to the config) and checks it has the `Adapter` shape. It may declare
 * an options schema (`options` on the adapter, or a named export `options`); without one its options pass through unchecked.
 */
export async function loadAdapterModule(path: string, configFile: string, field: string): Promise<UserAdapter> {
  const file = isAbsolute(path) ? path : resolve(dirname(configFile), path);
  const where = `${configFile}: field '${field}'`;
  if (!existsSync(file)) throw new InputError(`${where}: no such file ${file}`, 'ORD-242');
  let mod: Record<string, unknown>;
  try {
    mod = (extname(file) === '.ts' ? await importTs(file) : await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${where}: ${e.message}`, 'ORD-242');
    throw new InputError(`${where}: could not import ${file} (${(e as Error).message})`, 'ORD-242');
  }
  const a = (mod.default ?? mod.adapter) as Record<string, unknown> | undefined;
  if (!a || typeof a !== 'object')
    throw new InputError(`${where}: ${file} must default-export an Adapter object {name, description, worker, submit, approve, outcome}`, 'ORD-242');
  if (typeof a.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(a.name))
    throw new InputError(`${where}: the adapter's 'name' must be a kebab-case string`, 'ORD-242');
  for (const fn of ['worker', 'submit', 'approve', 'outcome'])
    if (typeof a[fn] !== 'function')
      throw new InputError(`${where}: the adapter's '${fn}' must be a function (see harness/run/adapter.ts)`, 'ORD-242');
  if (a.engine !== undefined && typeof a.engine !== 'function' && (typeof a.engine !== 'object' || a.engine === null))
    throw new InputError(
      `${where}: the adapter's 'engine' must be an EngineSpec or a function (options) => EngineSpec (see harness/run/adapter.ts)`,
      'ORD-242',
    );
  const ds = a.durableState;
  if (
    ds !== undefined &&
    typeof ds !== 'function' &&
    !(
      isRecord(ds) &&
      Array.isArray(ds.paths) &&
      ds.paths.every((p) => typeof p === 'string' && p !== '' && !isAbsolute(p) && !p.split(/[\\/]/).includes('..')) &&
      (ds.outside === undefined || (typeof ds.outside === 'string' && ds.outside !== ''))
    )
  )
    throw new InputError(
      `${where}: the adapter's 'durableState' must be {paths: [relative paths under the case's data directory], outside?: 'where the rest lives'} or a function (options) => that, got ${JSON.stringify(ds)}`,
      'ORD-242',
    );
  const rec = a.engineRecoveryMs;
  if (rec !== undefined && typeof rec !== 'function' && !(typeof rec === 'number' && Number.isFinite(rec) && rec >= 0))
    throw new InputError(
      `${where}: the adapter's 'engineRecoveryMs' must be a number of milliseconds ≥ 0 or a function (options) => that, got ${JSON.stringify(rec)}`,
      'ORD-242',
    );
  const timeout = a.caseTimeoutMs;
  if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) >= 1000 && (timeout as number) <= MAX_TIMER_MS))
    throw new InputError(
      `${where}: the adapter's 'caseTimeoutMs' must be an integer number of milliseconds from 1000 to ${MAX_TIMER_MS}, got ${JSON.stringify(timeout)}`,
      'ORD-242',
    );
  const options = a.options ?? mod.options;
  const problem = options === undefined ? undefined : schemaProblem(options);
  if (problem) throw new InputError(`${where}: the adapter's options schema ${problem} (see harness/run/options.ts)`, 'ORD-242');
  return { description: `${a.name} (from ${path})`, ...a, ...(options !== undefined ? { options } : {}) } as unknown as UserAdapter;
}
