import { describe, expect, it } from 'vitest';
import { quantile } from '../../../harness/stats.js';

describe('quantile', () => {
  it('takes quantiles by nearest rank, always a measured value', () => {
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
    ).toBe(99);
    expect(quantile([7], 0)).toBe(7);
    expect(quantile([3, 9], 1)).toBe(9);
  });

  it('does not reorder the sample it is given', () => {
    const sample = [3, 1, 2];
    quantile(sample, 0.5);
    expect(sample).toEqual([3, 1, 2]);
  });
});
