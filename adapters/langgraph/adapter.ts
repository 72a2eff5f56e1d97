/** The LangGraph adapter: the agent as a LangGraph.js app with a persistent checkpointer (no engine process). */
import { join } from 'node:path';
import type { Adapter } from '../../harness/run/adapter.js';
import { workerEnv } from '../../harness/run/adapter.js';
import type { Outcome } from '../../harness/store/types.js';
import { threadHandoff } from './threads.js';
import { distRoot } from '../../harness/paths.js';
import { WorldClient } from '../../harness/agent/index.js';
import { buildApp, finalAnswer, threadConfig } from './app.js';
import { openReader, type Saver } from './checkpointer.js';
import { readFailure } from './handoff.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { langgraphManifest } from './manifest.js';
import { agentTools } from './tools.js';

export function langgraphAdapter(): Adapter {
  let reader: Saver | undefined;
  return {
    name: 'langgraph',
    worker: (ctx) => ({ command: process.execPath, args: [join(distRoot, 'adapters/langgraph/worker.js')], env: workerEnv(ctx) }),
    ...threadHandoff((ctx) => parseAdapterOptions(langgraphManifest, ctx.options)),
    async outcome(ctx, handle): Promise<Outcome> {
      const failed = readFailure(ctx.dataDir);
      if (failed?.threadId === handle.id) return { status: 'failed', error: failed.error };
      const o = parseAdapterOptions(langgraphManifest, ctx.options);
      // a SQLite reader opened before the worker created the tables never sees them: open one per look
      const saver = o.store === 'postgres' ? (reader ??= await openReader(o, ctx.dataDir)) : await openReader(o, ctx.dataDir);
      if (!saver) return { status: 'running' };
      const world = new WorldClient(ctx.worldUrl);
      // the same app over the same store, opened read-only: LangGraph's own view of the thread
      const app = buildApp(o, {
        tools: agentTools({ world, workspace: ctx.workspace, idempotency: ctx.idempotency }),
        world,
        checkpointer: saver.saver,
        toolCalls: o.toolCalls,
      });
      const snap = await app.getState(threadConfig(handle.id)).finally(() => (saver === reader ? undefined : saver.close()));
      const answer = finalAnswer(o, snap);
      return answer === undefined ? { status: 'running' } : { status: 'completed', answer };
    },
    async close() {
      await reader?.close();
      reader = undefined;
    },
  };
}
