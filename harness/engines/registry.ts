/** The table of engines, where they live, and installing / checking / requiring them. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { runsInContainer } from '../launch/containers.js';
import { packageRoot } from '../paths.js';
import { conductor } from './conductor.js';
import { daprd } from './daprd.js';
import { daprAgentsPython } from './dapr-agents.js';
import { pydanticAiPython } from './pydantic-ai.js';
import { durabletask } from './durabletask.js';
import { EngineMissingError } from './engine-missing-error.js';
import { faultfs } from './faultfs.js';
import { faketime } from './faketime.js';
import { restate } from './restate.js';
import { python } from './python.js';
import { isExecutable, readStamp } from './stamp.js';
import { temporal } from './temporal.js';
import { toxiproxy } from './toxiproxy.js';
import type { EngineInstall, EngineStatusRow, InstallOptions, InstallResult } from './types.js';

export const engines: Record<string, EngineInstall> = {
  restate,
  temporal,
  toxiproxy,
  durabletask,
  daprd,
  python,
  faultfs,
  faketime,
  conductor,
  [daprAgentsPython.name]: daprAgentsPython,
  [pydanticAiPython.name]: pydanticAiPython,
};

/** `<ordeal's package root>/.engines`, or `$ORDEAL_ENGINES_DIR` when set: the same cache wherever ordeal is run from. */
export function enginesRoot(projectRoot: string = packageRoot): string {
  const override = process.env.ORDEAL_ENGINES_DIR;
  if (override && override.trim() !== '') return resolve(override);
  return join(resolve(projectRoot), '.engines');
}

function lookup(name: string): EngineInstall {
  const engine = Object.prototype.hasOwnProperty.call(engines, name) ? engines[name] : undefined;
  if (!engine) {
    throw new UsageError(`unknown engine "${name}"; known: ${Object.keys(engines).join(', ')}`, 'ORD-101');
  }
  return engine;
}

/**
 * Installs the named engines, `jobs` at a time (default 2), a slow build first so the others run beside it; skips pinned
 * ones already there. The results come in the order of `names`.
 */
export async function installEngines(names: string[] | 'all', opts: InstallOptions = {}): Promise<InstallResult[]> {
  const root = opts.root ?? enginesRoot();
  const log = opts.log ?? (() => undefined);
  const all = Object.values(engines).map((e) => e.name);
  const list = (names === 'all' ? all : names).map(lookup);
  mkdirSync(root, { recursive: true });
  const results = new Map<string, InstallResult>();
  const queue = [...list.filter((e) => e.slow), ...list.filter((e) => !e.slow)];
  const lane = async (): Promise<void> => {
    for (let engine = queue.shift(); engine; engine = queue.shift()) results.set(engine.name, await installOne(engine, root, log, opts.force));
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs ?? 2) }, lane));
  return list.map((e) => results.get(e.name)!);
}

async function installOne(engine: EngineInstall, root: string, log: (line: string) => void, force?: boolean): Promise<InstallResult> {
  const base = { name: engine.name, version: engine.version, path: engine.binary(root) };
  if (!force && engine.installed(root)) {
    log(`${engine.name} ${engine.version}: already installed`);
    return { ...base, status: 'skipped', ms: 0 };
  }
  log(`${engine.name} ${engine.version}: installing`);
  const t0 = performance.now();
  try {
    await engine.install(root, (line) => log(`[${engine.name}] ${line}`));
    const ms = Math.round(performance.now() - t0);
    log(`${engine.name} ${engine.version}: installed in ${(ms / 1000).toFixed(1)} s`);
    return { ...base, status: 'installed', ms };
  } catch (e) {
    const ms = Math.round(performance.now() - t0);
    const error = e instanceof Error ? e.message : String(e);
    log(`${engine.name} ${engine.version}: FAILED: ${error}`);
    return { ...base, status: 'failed', ms, error };
  }
}

/** One row per engine: pinned version, whether it is installed, its binary and the install command. */
export function engineStatus(root: string = enginesRoot()): EngineStatusRow[] {
  return Object.values(engines).map((engine) => ({
    name: engine.name,
    version: engine.version,
    installed: engine.installed(root),
    path: engine.binary(root),
    hint: `ordeal engines install ${engine.name}`,
    ...(engine.installed(root) && engine.note?.(root) ? { note: engine.note(root)! } : {}),
  }));
}

/** The binary of an installed engine (or of one its container image has), or an EngineMissingError (ORD-301) saying how to install it. */
export function requireEngine(name: string, root: string = enginesRoot()): string {
  const engine = lookup(name);
  const path = engine.binary(root);
  // with --launcher containers the engine's image has the binary: the path only names which engine it is
  if (engine.installed(root) || runsInContainer(path)) return path;
  const stamp = readStamp(root, name);
  let detail = `no ${path}`;
  if (isExecutable(path) && stamp && stamp.version !== engine.version) {
    detail = `found ${stamp.version}, pinned ${engine.version}`;
  } else if (isExecutable(path)) {
    detail = 'binary present but never stamped';
  }
  throw new EngineMissingError(name, root, detail);
}
