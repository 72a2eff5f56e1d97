/** The Dapr adapter: the agent loop as a Dapr workflow (Durable Task orchestration) on the real workflow engine. */
import { join } from 'node:path';
import { TaskHubGrpcClient } from '@dapr/durabletask-js';
import { HarnessError } from '../../harness/errors.js';
import type { Adapter, AdapterContext, RunHandle } from '../../harness/run/adapter.js';
import { workerEnv } from '../../harness/run/adapter.js';
import type { Outcome } from '../../harness/store/types.js';
import { distRoot } from '../../harness/paths.js';
import { approvalEvent, ORCHESTRATOR } from './agent-orchestration.js';
import { durabletaskEngine } from './durabletask-engine.js';
import { daprOptions } from './options.js';
import { quietly } from './quiet.js';

/** OrchestrationStatus values of the SDK (its enum is not exported from the package root). */
const STATUS = { COMPLETED: 1, FAILED: 3, TERMINATED: 5 } as const;

export function daprAdapter(): Adapter {
  let client: TaskHubGrpcClient | undefined;
  const connect = (ctx: AdapterContext): TaskHubGrpcClient => {
    if (!ctx.engine) throw new HarnessError('dapr: the workflow engine is not started', 'ORD-304');
    return (client ??= new TaskHubGrpcClient(ctx.engine.url));
  };
  return {
    name: 'dapr',
    description: 'Dapr Workflow: the agent loop as an orchestration on the Durable Task sidecar (SQLite) via @dapr/durabletask-js',
    engine: durabletaskEngine,
    worker: (ctx) => {
      daprOptions(ctx.options);
      return { command: process.execPath, args: [join(distRoot, 'adapters/dapr/worker.js')], env: workerEnv(ctx) };
    },
    async submit(ctx) {
      const task = ctx.scenario.task;
      const input = { task, ...(ctx.scenario.system ? { system: ctx.scenario.system } : {}) };
      // the run id is the instance id: one orchestration per case, found again after any restart
      const id = await quietly(() => connect(ctx).scheduleNewOrchestration(ORCHESTRATOR, input, ctx.runId));
      return { id };
    },
    async approve(ctx, handle: RunHandle, decision) {
      const data = { approved: decision.approved, ...(decision.values ? { values: decision.values } : {}) };
      await quietly(() => connect(ctx).raiseOrchestrationEvent(handle.id, approvalEvent(decision.approvalId), data));
    },
    async outcome(ctx, handle): Promise<Outcome> {
      const s = await quietly(() => connect(ctx).getOrchestrationState(handle.id, true));
      if (!s) return { status: 'running' };
      if (s.runtimeStatus === STATUS.COMPLETED) {
        const out = s.serializedOutput ? (JSON.parse(s.serializedOutput) as { answer?: unknown }) : {};
        return { status: 'completed', answer: String(out.answer ?? '') };
      }
      if (s.runtimeStatus === STATUS.FAILED || s.runtimeStatus === STATUS.TERMINATED) {
        return { status: 'failed', error: s.failureDetails?.message ?? `orchestration ${s.runtimeStatus === STATUS.FAILED ? 'failed' : 'terminated'}` };
      }
      return { status: 'running' };
    },
    async close() {
      await client?.stop().catch(() => undefined);
      client = undefined;
    },
  };
}
