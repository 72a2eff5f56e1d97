// The ordeal adapter of __NAME__: how ordeal starts your worker and talks to it. It imports only ordeal's public API
// (ordeal/adapter). Here the orchestrator and the worker talk through files in the case's data directory; make
// submit, approve and outcome reach your system the way it is reached (HTTP, a queue, a database).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { __ENV_HELPER__ } from 'ordeal/adapter';

const here = fileURLToPath(new URL('.', import.meta.url));
const inbox = (ctx) => (mkdirSync(join(ctx.dataDir, '__NAME__'), { recursive: true }), join(ctx.dataDir, '__NAME__'));
const writeAtomic = (file, value) => (writeFileSync(`${file}.tmp`, JSON.stringify(value)), renameSync(`${file}.tmp`, file));

/** @type {import('ordeal/adapter').UserAdapter} */
export default {
  name: '__NAME__',
  description: '__NAME__: __LANG_DESCRIPTION__',
  // the worker gets ORDEAL_WORLD_URL, ORDEAL_RUN_ID, ORDEAL_DATA_DIR, ORDEAL_WORKSPACE, ORDEAL_IDEMPOTENCY, ORDEAL_OPTIONS, ORDEAL_PARENT_PID
  worker: (ctx) => __WORKER_SPEC__,
  async submit(ctx) {
    writeAtomic(join(inbox(ctx), 'task.json'), { task: ctx.scenario.task, system: ctx.scenario.system ?? null });
    return { id: ctx.runId };
  },
  async approve(ctx, _handle, decision) {
    const { approved, values } = decision;
    writeAtomic(join(inbox(ctx), `approval-${decision.approvalId.replace(/:/g, '_')}.json`), { approved, ...(values ? { values } : {}) });
  },
  async outcome(ctx) {
    const file = join(inbox(ctx), 'outcome.json');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { status: 'running' };
  },
};
