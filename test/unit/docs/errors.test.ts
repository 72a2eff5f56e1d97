// docs/errors.md is the table a user looks an exit's code up in: every code the sources raise has its row, and no row
// names a code nothing raises any more.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../../helpers/cli.js';

/** The sources' files under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|py)$/.test(e.name) && !e.parentPath.includes('node_modules') && !e.parentPath.includes('__pycache__'))
    .map((e) => join(e.parentPath, e.name));
}

const codes = (text: string, pattern: RegExp) => new Set([...text.matchAll(pattern)].map((m) => m[1]!));

describe('docs/errors.md', () => {
  const raised = new Set(
    ['harness', 'adapters', 'bench', 'reports'].flatMap(sources).flatMap((f) => [...codes(readFileSync(f, 'utf8'), /'(ORD-\d{3})'/g)]),
  );
  const documented = codes(readFileSync(join(root, 'docs/errors.md'), 'utf8'), /^\| `(ORD-\d{3})` \|/gm);

  it('has a row for every code the sources raise', () => {
    expect(raised.size).toBeGreaterThan(50);
    expect([...raised].filter((c) => !documented.has(c)).sort()).toEqual([]);
  });

  it('names no code that nothing raises', () => {
    expect([...documented].filter((c) => !raised.has(c)).sort()).toEqual([]);
  });
});
