/** Percentiles of a sample, nearest-rank on the sorted copy (no interpolation: every figure is a measured value). */
export interface Quantiles {
  p50: number;
  p99: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function quantiles(values: number[]): Quantiles {
  return { p50: round(percentile(values, 50)), p99: round(percentile(values, 99)) };
}

/** Four significant decimals: enough for 0.0851 ms, without float noise in the JSON. */
export const round = (x: number): number => (Number.isFinite(x) ? Number(x.toFixed(4)) : x);
