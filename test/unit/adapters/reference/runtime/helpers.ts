// Temp-dir runtimes for in-process tests; every runtime and worker opened here is closed after the test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRuntime, type Runtime, type RuntimeOptions, type Worker } from '../../../../../adapters/reference/runtime/index.js';

export interface Sandbox {
  dir: string;
  db: string;
  open(options?: Partial<RuntimeOptions>): Runtime;
  worker(rt: Runtime, pollMs?: number): Worker;
  cleanup(): Promise<void>;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'ref-rt-'));
  const db = join(dir, 'journal.db');
  const runtimes: Runtime[] = [];
  const workers: Worker[] = [];
  return {
    dir,
    db,
    open(options = {}) {
      const rt = openRuntime({ path: db, ...options });
      runtimes.push(rt);
      return rt;
    },
    worker(rt, pollMs = 10) {
      const w = rt.runWorker({ pollMs });
      workers.push(w);
      return w;
    },
    async cleanup() {
      await Promise.all(workers.map((w) => w.stop()));
      for (const rt of runtimes) {
        try {
          rt.close();
        } catch {
          // already closed by the test
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `predicate` holds (no timing assertion: the test timeout is the bound). */
export async function eventually(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 10));
}
