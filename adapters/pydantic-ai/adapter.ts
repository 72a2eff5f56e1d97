/** The pydantic-ai adapter: a Pydantic AI agent whose TemporalDurability runs it as a Temporal workflow (Python worker). */
import { agentTask } from '../../harness/agent/index.js';
import { requireEngine } from '../../harness/engines/registry.js';
import { pydanticAiSources } from '../../harness/engines/pydantic-ai.js';
import type { Adapter } from '../../harness/run/adapter.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { temporalEngine } from '../temporal/engine.js';
import { temporalRuns, temporalWorkerEnv } from '../temporal/adapter.js';
import { pydanticAiManifest } from './manifest.js';

/** adapters/pydantic-ai/ordeal_pydantic_ai/{worker,workflow}.py */
export const TASK_QUEUE = 'ordeal-pydantic-ai';
export const WORKFLOW_TYPE = 'pydanticAiAgent';

export function pydanticAiAdapter(): Adapter {
  return {
    name: 'pydantic-ai',
    engine: () => temporalEngine,
    worker: (ctx) => {
      const path = [...pydanticAiSources(), ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(':');
      return {
        command: requireEngine('pydantic-ai'),
        args: ['-m', 'ordeal_pydantic_ai.worker'],
        // every option with its default filled in: the worker builds the activities' config from them at import
        env: {
          ...temporalWorkerEnv(ctx),
          ORDEAL_OPTIONS: JSON.stringify(parseAdapterOptions(pydanticAiManifest, ctx.options)),
          PYTHONPATH: path,
          PYTHONUNBUFFERED: '1',
        },
      };
    },
    ...temporalRuns({
      workflowType: WORKFLOW_TYPE,
      taskQueue: TASK_QUEUE,
      start: (ctx) => ({
        input: agentTask(ctx.scenario, ctx.options),
        workflowTaskMs: parseAdapterOptions(pydanticAiManifest, ctx.options).workflowTaskMs,
      }),
      workerVersioning: (ctx) => parseAdapterOptions(pydanticAiManifest, ctx.options).workerVersioning === 'pinned',
    }),
  };
}
