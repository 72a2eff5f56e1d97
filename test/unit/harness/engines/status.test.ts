import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineMissingError, engines, enginesRoot, engineStatus, installEngines, requireEngine } from '../../../../harness/engines/index.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ordeal-engines-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Puts an executable file where the engine's binary goes and stamps the given version. */
function fakeInstall(name: string, version: string): string {
  const engine = engines[name]!;
  const bin = engine.binary(root);
  mkdirSync(dirname(bin), { recursive: true });
  writeFileSync(bin, '#!/bin/sh\nexit 0\n');
  chmodSync(bin, 0o755);
  mkdirSync(join(root, '.stamps'), { recursive: true });
  writeFileSync(join(root, '.stamps', `${name}.json`), JSON.stringify({ name, version }));
  return bin;
}

describe('engines table', () => {
  it('has the four engines with pinned versions and absolute binary paths', () => {
    for (const name of ['restate', 'temporal', 'toxiproxy', 'durabletask']) {
      const engine = engines[name];
      expect(engine, name).toBeDefined();
      expect(engine!.name).toBe(name);
      expect(engine!.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(engine!.binary(root).startsWith(root)).toBe(true);
    }
  });

  it('points restate at the platform binary, not the JS wrapper', () => {
    expect(engines.restate!.binary(root)).toMatch(/restate-server-[a-z]+-[a-z0-9]+\/bin\/restate-server$/);
  });
});

describe('engineStatus', () => {
  it('lists each engine as not installed, with an install hint, for an empty root', () => {
    const rows = engineStatus(root);
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(engines).sort());
    for (const row of rows) {
      expect(row.installed).toBe(false);
      expect(row.hint).toBe(`ordeal engines install ${row.name}`);
      expect(row.path).toBe(engines[row.name]!.binary(root));
      expect(row.version).toBe(engines[row.name]!.version);
    }
  });

  it('reports installed only when the stamp matches the pinned version', () => {
    fakeInstall('toxiproxy', engines.toxiproxy!.version);
    fakeInstall('restate', '0.0.1');
    const byName = Object.fromEntries(engineStatus(root).map((r) => [r.name, r]));
    expect(byName.toxiproxy!.installed).toBe(true);
    expect(byName.restate!.installed).toBe(false);
  });
});

describe('requireEngine', () => {
  it('throws EngineMissingError ORD-301 naming the install command for an empty root', () => {
    for (const name of Object.keys(engines)) {
      let caught: unknown;
      try {
        requireEngine(name, root);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(EngineMissingError);
      const err = caught as EngineMissingError;
      expect(err.code).toBe('ORD-301');
      expect(err.name).toBe('EngineMissingError');
      expect(err.message).toContain(`ordeal engines install ${name}`);
    }
  });

  it('says which version it found when the stamp is stale', () => {
    fakeInstall('temporal', '0.0.1');
    expect(() => requireEngine('temporal', root)).toThrow(/found 0\.0\.1, pinned/);
  });

  it('returns the binary path when installed at the pinned version', () => {
    const bin = fakeInstall('durabletask', engines.durabletask!.version);
    expect(requireEngine('durabletask', root)).toBe(bin);
  });

  it('rejects an unknown engine name', () => {
    expect(() => requireEngine('nope', root)).toThrow(/unknown engine/);
  });
});

describe('installEngines', () => {
  it('skips engines already installed at the pinned version, without touching the network', async () => {
    const bin = fakeInstall('toxiproxy', engines.toxiproxy!.version);
    const lines: string[] = [];
    const results = await installEngines(['toxiproxy'], { root, log: (l) => lines.push(l) });
    expect(results).toEqual([{ name: 'toxiproxy', version: engines.toxiproxy!.version, path: bin, status: 'skipped', ms: 0 }]);
    expect(lines.join('\n')).toMatch(/already installed/);
  });
});

describe('enginesRoot', () => {
  const saved = process.env.ORDEAL_ENGINES_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.ORDEAL_ENGINES_DIR;
    else process.env.ORDEAL_ENGINES_DIR = saved;
  });

  it('is <projectRoot>/.engines by default and ORDEAL_ENGINES_DIR when set', () => {
    delete process.env.ORDEAL_ENGINES_DIR;
    expect(enginesRoot('/some/project')).toBe('/some/project/.engines');
    process.env.ORDEAL_ENGINES_DIR = root;
    expect(enginesRoot('/some/project')).toBe(root);
  });
});
