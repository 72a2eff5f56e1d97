/** run.json checked field by field: the seed within --seed's range, options of string, number or boolean. */
import { describe, expect, it } from 'vitest';
import { SEED_MAX, SEED_MIN, validateRunInfo } from '../../../../harness/store/run-info.js';

const info = {
  id: 'x',
  adapter: 'reference',
  scenario: 'refund-agent',
  schedule: [],
  seed: 7,
  idempotency: 'framework',
  options: { pollMs: 5, synchronous: 'FULL', flag: true },
  startedAt: '2026-01-01T00:00:00.000Z',
};

describe('validateRunInfo', () => {
  it('takes a seed within the range of --seed, and options of numbers and booleans as well as strings', () => {
    for (const seed of [SEED_MIN, 0, SEED_MAX]) expect(validateRunInfo({ ...info, seed }, 'run.json').seed).toBe(seed);
  });

  it('refuses a seed outside the range of --seed, naming the file and the field', () => {
    for (const seed of [2 ** 40, SEED_MAX + 1, SEED_MIN - 1])
      expect(() => validateRunInfo({ ...info, seed }, 'r/run.json')).toThrow(
        `r/run.json: field 'seed' must be an integer from -2147483648 to 2147483647 (as --seed) (got ${seed})`,
      );
  });
});
