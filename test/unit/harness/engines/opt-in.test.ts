import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engines, installEngines } from '../../../../harness/engines/index.js';

const saved = process.env.ORDEAL_DAPR_FULL;
let root = '';
afterEach(() => {
  if (saved === undefined) delete process.env.ORDEAL_DAPR_FULL;
  else process.env.ORDEAL_DAPR_FULL = saved;
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('opt-in engines', () => {
  it('leaves daprd out of a plain `engines install` (all) unless ORDEAL_DAPR_FULL=1 (which the test command sets)', async () => {
    delete process.env.ORDEAL_DAPR_FULL;
    root = mkdtempSync(join(tmpdir(), 'ordeal-engines-'));
    // every default engine looks installed, so 'all' touches no network
    for (const e of Object.values(engines).filter((x) => !x.optInEnv)) {
      const bin = e.binary(root);
      mkdirSync(dirname(bin), { recursive: true });
      // a Dapr runtime is three binaries in one folder (daprd, placement, scheduler)
      for (const b of basename(bin) === 'daprd' ? ['daprd', 'placement', 'scheduler'].map((n) => join(dirname(bin), n)) : [bin]) {
        writeFileSync(b, '#!/bin/sh\nexit 0\n');
        chmodSync(b, 0o755);
      }
      mkdirSync(join(root, '.stamps'), { recursive: true });
      writeFileSync(join(root, '.stamps', `${e.name}.json`), JSON.stringify({ name: e.name, version: e.version }));
    }
    const results = await installEngines('all', { root });
    expect(results.map((r) => r.name)).not.toContain('daprd');
    expect(results.every((r) => r.status === 'skipped')).toBe(true);
    expect(engines.daprd!.optInEnv).toBe('ORDEAL_DAPR_FULL');
  });
});
