// Seeded randomness for retry jitter: deterministic per (seed, step key, attempt), never Math.random.
import type { RetryPolicy } from './types.js';

/** mulberry32: tiny, fast, good enough for jitter. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the parts, so each step draws from its own stream regardless of interleaving. */
export function hash32(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialMs: 100, maxMs: 5_000, factor: 2 };

/** Delay after failed attempt `attempt` (1-based): "equal jitter" in [d/2, d]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** (attempt - 1));
  return Math.round(base / 2 + (random * base) / 2);
}

/** The jitter draw for one retry of one step. */
export function jitterFor(seed: number, key: string, attempt: number): number {
  return createPrng(hash32(seed, key, attempt))();
}
