/** Statistics of a sample of measurements. */

/** The q-quantile (0..1) by nearest rank on a sorted copy, no interpolation (every figure is a measured value); undefined for no values. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
