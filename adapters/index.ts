/** The adapter registry: each adapter loads its heavy dependencies only when it is used. */
import type { Adapter } from '../harness/run/adapter.js';

export interface AdapterEntry {
  description: string;
  /** Whether it has an engine process (so `kill-engine` applies). */
  hasEngine: boolean;
  load(): Promise<Adapter>;
}

export const adapters: Record<string, AdapterEntry> = {
  reference: {
    description: "ordeal's own durable runtime on SQLite; the embedded default, no external services",
    hasEngine: false,
    load: async () => (await import('./reference/adapter.js')).referenceAdapter(),
  },
};
