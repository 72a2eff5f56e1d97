/** The Dapr adapter: the agent loop as a Dapr workflow (Durable Task orchestration) on the real workflow engine. */
import { join } from 'node:path';
import { agentTask, approvalResult, toolCallsOf } from '../../harness/agent/index.js';
import { HarnessError } from '../../harness/errors.js';
import type { Adapter, AdapterContext, EngineSpec, RunHandle } from '../../harness/run/adapter.js';
import { workerEnv } from '../../harness/run/adapter.js';
import { distRoot } from '../../harness/paths.js';
import { approvalEvent, ORCHESTRATOR } from './agent-orchestration.js';
import { daprdEngine } from './daprd-engine.js';
import { durabletaskEngine } from './durabletask-engine.js';
import { daprOptions } from './options.js';
import { workflowClient, type WorkflowClient } from './workflow-client.js';

/** `--opt mode=` picks the engine: the Durable Task sidecar (default) or daprd with placement and scheduler. */
const engineFor = (ctx: AdapterContext): EngineSpec => (daprOptions(ctx.options).mode === 'daprd' ? daprdEngine : durabletaskEngine);

const byMode: EngineSpec = {
  name: 'dapr',
  command: (ctx, ports) => engineFor(ctx).command(ctx, ports),
  ready: (ctx, handle, timeoutMs) => engineFor(ctx).ready(ctx, handle, timeoutMs),
};

export function daprAdapter(): Adapter {
  let client: WorkflowClient | undefined;
  const connect = (ctx: AdapterContext): WorkflowClient => {
    if (!ctx.engine) throw new HarnessError('dapr: the workflow engine is not started', 'ORD-304');
    return (client ??= workflowClient(daprOptions(ctx.options).mode, ctx.engine.url));
  };
  return {
    name: 'dapr',
    description: 'Dapr Workflow: the agent loop as an orchestration on the Durable Task sidecar (SQLite) via @dapr/durabletask-js, or on daprd (--opt mode=daprd) via @dapr/dapr',
    engine: byMode,
    engineLink: true,
    worker: (ctx) => {
      toolCallsOf(ctx.options); // reject a bad option before anything starts
      const worker = daprOptions(ctx.options).mode === 'daprd' ? 'daprd-worker.js' : 'worker.js';
      // the worker dials the link address: a Toxiproxy in front of the sidecar when a net fault targets the engine
      const link = ctx.engine?.linkAddress;
      return { command: process.execPath, args: [join(distRoot, 'adapters/dapr', worker)], env: { ...workerEnv(ctx), ...(link ? { ORDEAL_ENGINE_URL: link } : {}) } };
    },
    async submit(ctx) {
      const input = agentTask(ctx.scenario, ctx.options);
      // the run id is the instance id: one orchestration per case, found again after any restart
      await connect(ctx).schedule(ORCHESTRATOR, input, ctx.runId);
      return { id: ctx.runId };
    },
    async approve(ctx, handle: RunHandle, decision) {
      await connect(ctx).raise(handle.id, approvalEvent(decision.approvalId), approvalResult(decision));
    },
    outcome: (ctx, handle) => connect(ctx).outcome(handle.id),
    async close() {
      await client?.stop().catch(() => undefined);
      client = undefined;
    },
  };
}
