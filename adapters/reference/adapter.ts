/** The reference adapter: ordeal's own durable runtime, the embedded default (no engine process). */
import { textOf } from '../../harness/json.js';
import { join } from 'node:path';
import { openRuntime, type Runtime } from './runtime/index.js';
import type { Adapter, AdapterContext, RunHandle } from '../../harness/run/adapter.js';
import { workerEnv } from '../../harness/run/adapter.js';
import type { Outcome } from '../../harness/store/types.js';
import { distRoot } from '../../harness/paths.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { referenceManifest } from './manifest.js';
import { agentTask, approvalResult } from '../../harness/agent/index.js';

export function referenceAdapter(): Adapter {
  let rt: Runtime | undefined;
  const client = (ctx: AdapterContext): Runtime =>
    (rt ??= openRuntime({
      path: join(ctx.dataDir, 'journal.db'),
      synchronous: parseAdapterOptions(referenceManifest, ctx.options).synchronous,
      workerId: 'orchestrator',
    }));
  return {
    name: 'reference',
    worker: (ctx) => ({ command: process.execPath, args: [join(distRoot, 'adapters/reference/worker.js')], env: workerEnv(ctx) }),
    async submit(ctx) {
      const id = `agent-${ctx.runId}`;
      client(ctx).start(id, 'agent', agentTask(ctx.scenario, ctx.options));
      return { id };
    },
    async approve(ctx, handle: RunHandle, decision) {
      client(ctx).signal(handle.id, `approval:${decision.approvalId}`, approvalResult(decision));
    },
    async outcome(ctx, handle): Promise<Outcome> {
      const s = client(ctx).status(handle.id);
      if (!s || s.status === 'pending' || s.status === 'running') return { status: 'running' };
      if (s.status === 'completed') return { status: 'completed', answer: textOf((s.result as { answer?: unknown })?.answer ?? '') };
      return { status: 'failed', error: textOf(s.error ?? 'unknown error') };
    },
    async close() {
      rt?.close();
      rt = undefined;
    },
  };
}
