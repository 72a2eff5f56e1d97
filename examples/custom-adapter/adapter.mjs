// An ordeal adapter for the Python worker beside it: the orchestrator side talks to the worker through files in the data directory.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonWorkerEnv, writeJsonDurably } from 'ordeal/adapter';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = (ctx) => (mkdirSync(join(ctx.dataDir, 'custom'), { recursive: true }), join(ctx.dataDir, 'custom'));

/** @type {import('ordeal/adapter').UserAdapter} */
export default {
  name: 'python-journal',
  description: 'a plain-Python agent loop with its own fsynced JSON-lines journal (examples/custom-adapter)',
  // what must survive a crash, under the case's data directory (power-loss, disk-full and fsync-error act on it)
  durableState: { paths: ['custom/'] },
  // `ordeal bench` weighs it against the bench's loop by hand in Python
  workerLanguage: 'python',
  // the worker gets ORDEAL_WORLD_URL, ORDEAL_RUN_ID, ORDEAL_DATA_DIR, ORDEAL_WORKSPACE, ORDEAL_IDEMPOTENCY, ORDEAL_PARENT_PID,
  // ORDEAL_OPTIONS, and ordeal's Python worker kit (ordeal_worker) on its PYTHONPATH
  worker: (ctx) => ({ command: 'python3', args: ['-u', join(here, 'worker.py')], env: pythonWorkerEnv(ctx) }),
  // the task and the human's decisions are on disk before they are acknowledged: a power cut must not lose them
  async submit(ctx) {
    writeJsonDurably(join(dir(ctx), 'task.json'), { task: ctx.scenario.task, system: ctx.scenario.system ?? null });
    return { id: ctx.runId };
  },
  async approve(ctx, _handle, decision) {
    const { approved, values } = decision;
    writeJsonDurably(join(dir(ctx), `approval-${decision.approvalId.replace(/:/g, '_')}.json`), { approved, ...(values ? { values } : {}) });
  },
  async outcome(ctx) {
    const file = join(dir(ctx), 'outcome.json');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { status: 'running' };
  },
};
