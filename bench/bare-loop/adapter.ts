/** The bench's bare loop as an adapter object for the orchestrator (bench only: not registered in adapters/index.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentTask } from '../../harness/agent/index.js';
import { workerEnv, type Adapter, type AdapterContext } from '../../harness/run/adapter.js';
import { distRoot, packageRoot } from '../../harness/paths.js';
import type { Outcome } from '../../harness/store/types.js';

export const BARE_LOOP = 'bare loop';
export const BARE_LOOP_PYTHON = 'bare loop (Python)';

/** The language of a worker the bench weighs frameworks against: Node.js (`worker.ts`) or Python (`bare_loop.py`). */
export type BareLoopLanguage = 'node' | 'python';

export function bareLoopAdapter(language: BareLoopLanguage = 'node'): Adapter {
  const env = (ctx: AdapterContext) => ({ ...workerEnv(ctx), ORDEAL_BARE_TASK: JSON.stringify(agentTask(ctx.scenario, ctx.options)) });
  return {
    name: language === 'node' ? 'bare-loop' : 'bare-loop-python',
    worker: (ctx) =>
      language === 'node'
        ? { command: process.execPath, args: [join(distRoot, 'bench/bare-loop/worker.js')], env: env(ctx) }
        : {
            // the interpreter the engines' venvs are made from (harness/engines/python.ts); the kit is stdlib only
            command: process.env.ORDEAL_PYTHON || 'python3',
            args: [join(packageRoot, 'bench/bare-loop/bare_loop.py')],
            env: { ...env(ctx), PYTHONPATH: join(packageRoot, 'python', 'src'), PYTHONUNBUFFERED: '1' },
          },
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
