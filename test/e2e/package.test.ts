// What `npm pack` puts in the tarball a team installs ordeal from (docs/own-agent.md): everything an installed ordeal
// reads at run time (the built CLI, the kits, the shipped scenarios, the sources it builds engines and workers from),
// and none of the repository's own tests, caches or run folders.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';

const packed = (): string[] => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
};

describe('the npm package', () => {
  it('holds the built CLI, the public API, the worker kits, the scenarios and what engines and workers are built from', () => {
    const files = new Set(packed());
    for (const f of [
      'bin/ordeal.js',
      'dist/harness/cli/main.js',
      'dist/harness/kit/adapter.js',
      'dist/harness/kit/adapter.d.ts',
      'dist/harness/kit/agent.d.ts',
      'dist/harness/world/main.js',
      'dist/adapters/reference/worker.js',
      'scenarios/refund-agent.json',
      'python/src/ordeal_worker/loop.py',
      'python/requirements.txt',
      'adapters/langgraph-py/ordeal_langgraph/worker.py',
      'harness/engines/daprd-build/go.mod',
      'harness/faultfs/fs/go.mod',
      'harness/faults/monotonic-sleep.c',
      'harness/init/templates/worker.py.template',
      'bench/bare-loop/bare_loop.py',
    ])
      expect(files.has(f), f).toBe(true);
  });

  it("leaves out the repository's tests, CI, caches and build state", () => {
    const stray = packed().filter((f) => /^(test|\.ci|runs|\.engines|node_modules|python\/tests)\/|__pycache__|\.egg-info|tsbuildinfo/.test(f));
    expect(stray).toEqual([]);
  });
});
