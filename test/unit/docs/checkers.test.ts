// docs/checkers.md lists each checker's metrics (what a gate threshold may name): the table must be the declared lists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkers } from '../../../harness/checks/index.js';
import { packageRoot } from '../../../harness/paths.js';

const doc = readFileSync(join(packageRoot, 'docs/checkers.md'), 'utf8');
const table = doc.slice(doc.indexOf('| checker | metrics |'));
const rows = new Map(
  [...table.matchAll(/^\| `([a-z-]+)` \| (.+) \|$/gm)].map((m) => [m[1]!, [...m[2]!.matchAll(/`([A-Za-z0-9]+)`/g)].map((x) => x[1]!)]),
);

describe('docs/checkers.md', () => {
  it("lists every checker's declared metrics, and only those", () => {
    expect([...rows.keys()]).toEqual(Object.keys(checkers));
    for (const c of Object.values(checkers)) expect(rows.get(c.name), c.name).toEqual([...c.metrics]);
  });
});
