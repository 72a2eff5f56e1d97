/** The bench's bare loop as an adapter object for the orchestrator (bench only: not registered in adapters/index.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentTask } from '../../harness/agent/index.js';
import { workerEnv, type Adapter } from '../../harness/run/adapter.js';
import { distRoot } from '../../harness/paths.js';
import type { Outcome } from '../../harness/store/types.js';

export const BARE_LOOP = 'bare loop';

export function bareLoopAdapter(): Adapter {
  return {
    name: 'bare-loop',
    worker: (ctx) => ({
      command: process.execPath,
      args: [join(distRoot, 'bench/bare-loop/worker.js')],
      env: { ...workerEnv(ctx), ORDEAL_BARE_TASK: JSON.stringify(agentTask(ctx.scenario, ctx.options)) },
    }),
    // the worker starts the run itself, from its environment
    submit: async (ctx) => ({ id: `bare-${ctx.runId}` }),
    approve: async () => {
      throw new Error('the bare loop runs the bench shapes, which ask for no approval');
    },
    async outcome(ctx): Promise<Outcome> {
      const file = join(ctx.dataDir, 'outcome.json');
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Outcome) : { status: 'running' };
    },
  };
}
