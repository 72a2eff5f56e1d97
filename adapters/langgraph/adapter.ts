/** The LangGraph adapter: the agent as a LangGraph.js app with a persistent checkpointer (no engine process). */
import { join } from 'node:path';
import type { Adapter, AdapterContext, RunHandle } from '../../harness/run/adapter.js';
import { workerEnv } from '../../harness/run/adapter.js';
import type { Outcome } from '../../harness/store/types.js';
import { distRoot } from '../../harness/paths.js';
import { HarnessError } from '../../harness/errors.js';
import { approvalResult, WorldClient } from '../../harness/agent/index.js';
import { buildApp, finalAnswer, threadConfig } from './app.js';
import { openReader, type Saver } from './checkpointer.js';
import { readFailure, writeRunRequest } from './handoff.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { langgraphManifest, redactUrl } from './manifest.js';
import { agentTools } from './tools.js';

export function langgraphAdapter(): Adapter {
  let reader: Saver | undefined;
  return {
    name: 'langgraph',
    worker: (ctx) => ({ command: process.execPath, args: [join(distRoot, 'adapters/langgraph/worker.js')], env: workerEnv(ctx) }),
    async workerReady(ctx) {
      const o = parseAdapterOptions(langgraphManifest, ctx.options);
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
    async outcome(ctx, handle): Promise<Outcome> {
      const failed = readFailure(ctx.dataDir);
      if (failed?.threadId === handle.id) return { status: 'failed', error: failed.error };
      const o = parseAdapterOptions(langgraphManifest, ctx.options);
      // a SQLite reader opened before the worker created the tables never sees them: open one per look
      const saver = o.store === 'postgres' ? (reader ??= await openReader(o, ctx.dataDir)) : await openReader(o, ctx.dataDir);
      if (!saver) return { status: 'running' };
      const world = new WorldClient(ctx.worldUrl);
      // the same app over the same store, opened read-only: LangGraph's own view of the thread
      const app = buildApp(o.api, { tools: agentTools({ world, workspace: ctx.workspace, idempotency: ctx.idempotency }), world, checkpointer: saver.saver, toolCalls: o.toolCalls });
      const snap = await app.getState(threadConfig(handle.id)).finally(() => (saver === reader ? undefined : saver.close()));
      const answer = finalAnswer(o.api, snap);
      return answer === undefined ? { status: 'running' } : { status: 'completed', answer };
    },
    async close() {
      await reader?.close();
      reader = undefined;
    },
  };
}

/** A PostgreSQL that does not answer is the harness's problem (exit 3), named with the URL tried. */
async function pingPostgres(url: string): Promise<void> {
  // pg ships no types here; it is the driver PostgresSaver itself uses
  const pg = ((await import('pg' as string)) as { default: PgModule }).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    throw new HarnessError(
      `PostgreSQL at ${redactUrl(url)} did not answer (${(e as Error).message}); start one with scripts/postgres.sh or pass --opt postgresUrl=postgresql://…`,
      'ORD-306',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface PgModule {
  Client: new (o: { connectionString: string; connectionTimeoutMillis: number }) => { connect(): Promise<void>; query(q: string): Promise<unknown>; end(): Promise<void> };
}
