/** Percentiles of a sample (harness/stats.ts: nearest rank, no interpolation), rounded for bench.json. */
import { quantile } from '../harness/stats.js';

export interface Quantiles {
  p50: number;
  p99: number;
}

/** The median of a sample; NaN for no values. */
export const median = (values: number[]): number => quantile(values, 0.5) ?? Number.NaN;

export function quantiles(values: number[]): Quantiles {
  return { p50: round(median(values)), p99: round(quantile(values, 0.99) ?? Number.NaN) };
}

/** Four significant decimals: enough for 0.0851 ms, without float noise in the JSON. */
export const round = (x: number): number => (Number.isFinite(x) ? Number(x.toFixed(4)) : x);
