/**
 * Every shipped scenario on one adapter without faults, as one test: the matrix is split over two files so that
 * vitest's two workers share it (a file with a tiny size is scheduled last on a fresh clone, and one file of every
 * adapter ran alone for minutes at the end of the suite).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { adapterManifest } from '../../adapters/index.js';
import { builtinScenarioNames } from '../../harness/scenario/index.js';
import { ordeal, tempDir } from '../helpers/cli.js';
import { engineInstalled } from '../helpers/run-folder.js';

/**
 * The adapters `matrix-other-half.test.ts` covers; `matrix.test.ts` takes the rest. Chosen so that the two files take
 * about as long (2 minutes each on 2 cores: Conductor's alone about 50 s).
 */
export const otherHalf = ['conductor', 'dapr', 'temporal', 'restate'];

export function calmMatrix(adapter: string): void {
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
