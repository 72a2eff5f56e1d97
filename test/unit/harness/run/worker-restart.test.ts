// A worker that exits on its own is restarted by the harness as a supervisor would: after a back-off, so that a
// worker that fail-stops while its disk is full is not restarted five times into the same full disk.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../harness/launch/index.js';
import type { Adapter, AdapterContext } from '../../../../harness/run/adapter.js';
import { EngineLink } from '../../../../harness/run/engine-link.js';
import { CaseProcesses, WORKER_RESTART_DELAYS_MS } from '../../../../harness/run/processes.js';
import { HistoryWriter, type Op } from '../../../../harness/store/index.js';

const root = mkdtempSync(join(tmpdir(), 'ordeal-worker-restart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// a worker that fail-stops (exit 1) while the condition it needs is missing (the file `full` stands for a full disk)
// and otherwise stays up and says so
const worker = join(root, 'worker.mjs');
writeFileSync(
  worker,
  `import { existsSync, writeFileSync } from 'node:fs';
const dir = process.argv[2];
if (existsSync(dir + '/full')) { console.error('no space left on device'); process.exit(1); }
writeFileSync(dir + '/up', String(process.pid));
setInterval(() => undefined, 1 << 30);
`,
);

describe('the supervisor of a case', () => {
  it('restarts a worker that exited on its own after a growing back-off, so it outlasts a short outage', async () => {
    const runDir = join(root, 'case');
    mkdirSync(join(runDir, 'logs'), { recursive: true });
    const ctx = { runId: 'case', runDir, dataDir: runDir, workspace: runDir, worldUrl: 'http://127.0.0.1:9', idempotency: 'framework', options: {} };
    const history = new HistoryWriter(join(runDir, 'history.jsonl'));
    const adapter = { name: 'test', worker: () => ({ command: process.execPath, args: [worker, runDir] }) } as unknown as Adapter;
    const procs = new CaseProcesses(adapter, ctx as unknown as AdapterContext, new EngineLink(), history);
    writeFileSync(join(runDir, 'full'), '');
    try {
      await procs.startWorker();
      // the outage ends after 0.6 s: restarts without back-off (each start ~50 ms) would have spent all five by then
      await new Promise((r) => setTimeout(r, 600));
      rmSync(join(runDir, 'full'));
      await waitFor('the worker up', async () => existsSync(join(runDir, 'up')), 10_000, 20);
    } finally {
      await procs.stopAll();
      history.close();
    }
    const ops = readFileSync(join(runDir, 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Op);
    const starts = ops.filter((o) => o.f === 'start').map((o) => o.process);
    const crashes = ops.filter((o) => o.f === 'death' && (o.value as { expected: boolean }).expected === false);
    expect(crashes.length).toBeGreaterThanOrEqual(2);
    expect(starts).toEqual(Array.from({ length: crashes.length + 1 }, (_, i) => `worker#${i + 1}`));
    expect(starts.length).toBeLessThanOrEqual(WORKER_RESTART_DELAYS_MS.length + 1);
  });
});
