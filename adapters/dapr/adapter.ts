/** The Dapr adapter: the agent loop as a Dapr workflow (Durable Task orchestration) on the real workflow engine. */
import { join } from 'node:path';
import { agentTask, approvalResult } from '../../harness/agent/index.js';
import { HarnessError } from '../../harness/errors.js';
import type { Adapter, AdapterContext, RunHandle } from '../../harness/run/adapter.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { workerEnv } from '../../harness/run/adapter.js';
import { distRoot } from '../../harness/paths.js';
import { approvalEvent, ORCHESTRATOR } from './agent-orchestration.js';
import { daprdEngine } from './daprd-engine.js';
import { durabletaskEngine } from './durabletask-engine.js';
import { daprManifest } from './manifest.js';
import { workflowClient, type WorkflowClient } from './workflow-client.js';

const modeOf = (options: Record<string, string>) => parseAdapterOptions(daprManifest, options).mode;

export function daprAdapter(): Adapter {
  let client: WorkflowClient | undefined;
  const connect = (ctx: AdapterContext): WorkflowClient => {
    if (!ctx.engine) throw new HarnessError('dapr: the workflow engine is not started', 'ORD-304');
    return (client ??= workflowClient(modeOf(ctx.options), ctx.engine.url));
  };
  return {
    name: 'dapr',
    // `--opt mode=` picks the engine: the Durable Task sidecar (default) or daprd with placement and scheduler
    engine: (options) => (modeOf(options) === 'daprd' ? daprdEngine : durabletaskEngine),
    worker: (ctx) => {
      const worker = modeOf(ctx.options) === 'daprd' ? 'daprd-worker.js' : 'worker.js';
      // the worker dials the link address: a Toxiproxy in front of the sidecar when a net fault targets the engine
      const link = ctx.engine?.linkAddress;
      return {
        command: process.execPath,
        args: [join(distRoot, 'adapters/dapr', worker)],
        env: { ...workerEnv(ctx), ...(link ? { ORDEAL_ENGINE_URL: link } : {}) },
      };
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
