/** run.json read back and checked field by field, so a damaged folder is an input error naming the file and field, never a crash. */
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { isRecord } from '../json.js';
import { parseJsonFile } from '../scenario/load.js';
import { FILES } from './files.js';
import type { RunInfo } from './types.js';

/** The range of a seed: a 32-bit signed integer (`--seed`, and run.json's `seed` that `ordeal replay` runs with). */
export const SEED_MIN = -(2 ** 31);
export const SEED_MAX = 2 ** 31 - 1;

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string' && v !== '';
const int: Check = (v) => Number.isInteger(v);
const rec: Check = (v) => isRecord(v);

/** run.json's fields: each one's check and what it must be (optional ones may be absent). */
const FIELDS: Record<string, { ok: Check; expected: string; optional?: true }> = {
  id: { ok: str, expected: 'a non-empty string' },
  adapter: { ok: str, expected: 'an adapter name' },
  adapterModule: { ok: str, expected: "the path of the adapter's module", optional: true },
  scenario: { ok: str, expected: 'a scenario name' },
  scenarioFile: { ok: str, expected: 'a path', optional: true },
  schedule: { ok: (v) => Array.isArray(v) && v.every((f) => isRecord(f) && str(f.fault) && str(f.at)), expected: 'an array of {fault, at, …}' },
  seed: {
    ok: (v) => int(v) && (v as number) >= SEED_MIN && (v as number) <= SEED_MAX,
    expected: `an integer from ${SEED_MIN} to ${SEED_MAX} (as --seed)`,
  },
  path: { ok: str, expected: "fast-check's path", optional: true },
  idempotency: { ok: (v) => v === 'framework' || v === 'none', expected: '"framework" or "none"' },
  options: {
    ok: (v) => rec(v) && Object.values(v as object).every((x) => ['string', 'number', 'boolean'].includes(typeof x)),
    expected: 'an object of option: value',
  },
  timeoutMs: { ok: (v) => int(v) && (v as number) > 0, expected: 'a positive integer (milliseconds)', optional: true },
  versions: { ok: rec, expected: 'an object of name: version', optional: true },
  startedAt: { ok: (v) => str(v) && !Number.isNaN(Date.parse(v as string)), expected: 'an ISO date' },
  finishedAt: { ok: (v) => str(v) && !Number.isNaN(Date.parse(v as string)), expected: 'an ISO date', optional: true },
  error: { ok: (v) => typeof v === 'string', expected: 'a string', optional: true },
};

/** Checks an untrusted run.json value; an InputError (ORD-220) names the file, the field and what it must be. */
export function validateRunInfo(raw: unknown, file: string): RunInfo {
  const fail = (field: string, expected: string, got: unknown): never => {
    const shown = JSON.stringify(got)?.slice(0, 80) ?? 'nothing';
    throw new InputError(`${file}: field '${field}' must be ${expected} (got ${shown}); expected a run.json as ordeal run writes it`, 'ORD-220');
  };
  if (!isRecord(raw)) return fail('(root)', 'an object', raw);
  for (const [k, f] of Object.entries(FIELDS)) {
    const v = raw[k];
    if (v === undefined && f.optional) continue;
    if (!f.ok(v)) fail(k, f.expected, v);
  }
  return raw as unknown as RunInfo;
}

/** A run folder's run.json, checked. */
export function readRunInfo(dir: string): RunInfo {
  const file = join(dir, FILES.run);
  return validateRunInfo(parseJsonFile(file), file);
}
