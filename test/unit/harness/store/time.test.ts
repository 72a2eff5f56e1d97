import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { now } from '../../../../harness/store/time.js';
import { distRoot } from '../../../../harness/paths.js';

describe('the history clock', () => {
  it('is one scale across processes: a child started in between stamps a time between two of the parent', () => {
    const module = join(distRoot, 'harness/store/time.js');
    const script = `import(${JSON.stringify(module)}).then((t) => process.stdout.write(String(t.now())))`;
    for (let i = 0; i < 5; i++) {
      const before = now();
      const child = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
      const after = now();
      expect(child).toBeGreaterThan(before);
      expect(child).toBeLessThan(after);
    }
  });

  it('is read by a child from ORDEAL_CLOCK, not from its own start', () => {
    const module = join(distRoot, 'harness/store/time.js');
    const script = `import(${JSON.stringify(module)}).then((t) => process.stdout.write(String(t.now())))`;
    const env = { ...process.env, ORDEAL_CLOCK: `1000:${process.hrtime.bigint()}` };
    const child = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env }));
    expect(child).toBeGreaterThan(1000);
    expect(child).toBeLessThan(1000 + 10_000);
  });
});
