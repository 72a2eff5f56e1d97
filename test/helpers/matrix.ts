// Every shipped scenario runs to a valid verdict on every adapter whose engine is installed (faults are tested per adapter).
// The adapters are split among test/e2e/matrix-part*.test.ts (every `parts`-th registered adapter from `part`), so that
// two test workers share them instead of one file running them all at the end of the suite.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterManifest, adapterNames } from '../../adapters/index.js';
import { builtinScenarioNames } from '../../harness/scenario/index.js';
import { ordeal, tempDir } from './cli.js';
import { engineInstalled } from './run-folder.js';

export function describeMatrix(part: number, parts: number): void {
  describe('every scenario on every adapter, without faults', () => {
    for (const adapter of adapterNames().filter((_, i) => i % parts === part)) {
      const engine = adapterManifest(adapter).requires?.find((e) => !engineInstalled(e).installed) ?? adapterManifest(adapter).requires?.[0];
      const check = engine ? engineInstalled(engine) : { installed: true, skipReason: '' };
      it.skipIf(!check.installed)(
        `${adapter}${check.installed ? '' : ` — skipped: ${check.skipReason}`}`,
        async () => {
          const out = tempDir();
          const calm = join(out, 'calm.json');
          writeFileSync(calm, '[]');
          const r = await ordeal(['run', '--adapter', adapter, '--schedule', calm, '--json', '--out', out]);
          const res = JSON.parse(r.stdout) as { valid: boolean; cases: { scenario: string; valid: boolean }[] };
          expect(res.cases.map((c) => c.scenario).sort()).toEqual(builtinScenarioNames());
          expect(res.cases.filter((c) => c.valid !== true)).toEqual([]);
          expect(r.code).toBe(0);
        },
        600_000,
      );
    }
  });
}
