/**
 * The orchestrator's side of a LangGraph thread, the same for LangGraph.js and LangGraph Python: PostgreSQL checked
 * before the worker is told about the run, the run handed off as a file in the data dir, and the human's decision
 * posted to the world's inbox, which the worker polls to resume the thread.
 */
import { approvalResult, WorldClient } from '../../harness/agent/index.js';
import type { Adapter, AdapterContext, RunHandle } from '../../harness/run/adapter.js';
import { writeRunRequest } from './handoff.js';
import { pingPostgres } from './postgres.js';

export function threadHandoff(
  storeOf: (ctx: AdapterContext) => { store: 'sqlite' | 'postgres'; postgresUrl: string },
): Required<Pick<Adapter, 'workerReady' | 'submit' | 'approve'>> {
  return {
    async workerReady(ctx) {
      const o = storeOf(ctx);
      if (o.store === 'postgres') await pingPostgres(o.postgresUrl);
    },
    async submit(ctx): Promise<RunHandle> {
      const threadId = `thread-${ctx.runId}`;
      writeRunRequest(ctx.dataDir, { threadId, task: ctx.scenario.task, ...(ctx.scenario.system ? { system: ctx.scenario.system } : {}) });
      return { id: threadId };
    },
    async approve(ctx, _handle, decision) {
      await new WorldClient(ctx.worldUrl).request('POST', `/approvals/${encodeURIComponent(decision.approvalId)}/decision`, approvalResult(decision));
    },
  };
}
