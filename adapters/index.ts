/** The adapter registry: a list of manifests; each adapter loads its heavy dependencies only when it is used. */
import { UsageError } from '../harness/errors.js';
import { manifestFromAdapter, parseAdapterOptions, type AdapterManifest, type UserAdapter } from '../harness/run/manifest.js';
import type { RawOptions } from '../harness/run/options.js';
import { conductorManifest } from './conductor/manifest.js';
import { daprManifest } from './dapr/manifest.js';
import { dbosManifest } from './dbos/manifest.js';
import { daprAgentsManifest } from './dapr-agents/manifest.js';
import { langgraphManifest } from './langgraph/manifest.js';
import { langgraphPyManifest } from './langgraph-py/manifest.js';
import { pydanticAiManifest } from './pydantic-ai/manifest.js';
import { referenceManifest } from './reference/manifest.js';
import { restateManifest } from './restate/manifest.js';
import { temporalManifest } from './temporal/manifest.js';

const registry: AdapterManifest[] = [
  referenceManifest,
  langgraphManifest,
  langgraphPyManifest,
  restateManifest,
  temporalManifest,
  daprManifest,
  dbosManifest,
  daprAgentsManifest,
  conductorManifest,
  pydanticAiManifest,
];

/** Every registered adapter, built-ins first, in the order `ordeal list` shows them. */
export function adapterManifests(): readonly AdapterManifest[] {
  return registry;
}

export function adapterNames(): string[] {
  return registry.map((m) => m.name);
}

export function findAdapter(name: string): AdapterManifest | undefined {
  return registry.find((m) => m.name === name);
}

/** The manifest of a registered adapter, or a UsageError listing the known ones. */
export function adapterManifest(name: string): AdapterManifest {
  const m = findAdapter(name);
  if (!m) throw new UsageError(`unknown adapter '${name}': expected one of ${adapterNames().join(', ')}`, 'ORD-101');
  return m;
}

/** Checks options against the adapter's schema before anything starts (UsageError ORD-110); returns them as given. */
export function checkAdapterOptions(name: string, raw: RawOptions): RawOptions {
  parseAdapterOptions(adapterManifest(name), raw);
  return raw;
}

/**
 * Registers an adapter loaded at run time (a user's module named by `ordeal gate`'s config or by `--adapter PATH`),
 * with the module's file when it came from one; replaces one of the same name.
 */
export function registerAdapter(adapter: UserAdapter, module?: string): AdapterManifest {
  const m: AdapterManifest = { ...manifestFromAdapter(adapter), ...(module ? { module } : {}) };
  const i = registry.findIndex((r) => r.name === m.name);
  if (i >= 0) registry[i] = m;
  else registry.push(m);
  return m;
}
