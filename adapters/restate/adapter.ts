/** The restate adapter: the agent workflow on a real restate-server, driven through its ingress and admin API. */
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import * as clients from '@restatedev/restate-sdk-clients';
import { agentTask, approvalResult } from '../../harness/agent/index.js';
import { waitFor } from '../../harness/launch/index.js';
import { distRoot } from '../../harness/paths.js';
import { workerEnv, type Adapter, type AdapterContext, type EngineHandle, type RunHandle } from '../../harness/run/adapter.js';
import { HarnessError } from '../../harness/errors.js';
import type { Outcome } from '../../harness/store/types.js';
import { AGENT, type AgentInput, type AgentWorkflow, type ApprovalPayload } from './agent-workflow.js';
import { adminUrl, restateEngine, workerPort, workerUrl } from './engine.js';
import { invocationFailure } from './admin.js';

const engineOf = (ctx: AdapterContext): EngineHandle => {
  if (!ctx.engine) throw new HarnessError('restate: the server is not started', 'ORD-304');
  return ctx.engine;
};

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = netConnect({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/**
 * Registers the worker's endpoint as a deployment; the admin API runs discovery against it. Deployment 2 (a blue-green
 * deploy's version 2) is a new deployment of the same service: new invocations go to it, and Restate sends every
 * attempt of an invocation that began on deployment 1 to deployment 1's endpoint.
 */
async function register(h: EngineHandle, deployment: number): Promise<void> {
  const res = await fetch(`${adminUrl(h)}/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uri: workerUrl(h, deployment) }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`admin answered ${res.status}: ${await res.text()}`);
}

export function restateAdapter(): Adapter {
  const registered = new Set<string>();
  /** When outcome() last asked the admin API about a run still going (at most once a second). */
  let askedAt = 0;
  const ingress = (ctx: AdapterContext) => clients.connect({ url: engineOf(ctx).url });
  const workflow = (ctx: AdapterContext, key: string) => ingress(ctx).workflowClient<AgentWorkflow>({ name: AGENT }, key);

  return {
    name: 'restate',
    engine: () => restateEngine,
    worker: (ctx, deployment = 1) => ({
      command: process.execPath,
      args: [join(distRoot, 'adapters/restate/worker.js')],
      env: { ...workerEnv(ctx), ORDEAL_RESTATE_WORKER_PORT: String(workerPort(engineOf(ctx), deployment)) },
    }),
    async workerReady(ctx, deployment = 1) {
      const h = engineOf(ctx);
      await waitFor('restate worker endpoint', () => portOpen(workerPort(h, deployment)), 30_000, 50);
      // Registered once per case and deployment: the server keeps it, and a restarted worker listens on the same address.
      const key = `${ctx.runId}#${deployment}`;
      if (registered.has(key)) return;
      await waitFor('deployment registration', async () => (await register(h, deployment), true), 30_000, 200).catch((e: Error) => {
        throw new HarnessError(`restate: could not register the worker at ${workerUrl(h, deployment)}: ${e.message}`, 'ORD-304');
      });
      registered.add(key);
    },
    async submit(ctx) {
      const input: AgentInput = agentTask(ctx.scenario, ctx.options);
      // The workflow key is the run id: submitting twice attaches to the same run.
      // the case's traceparent on the ingress request: the server's spans for the invocation join the case's trace
      const opts = clients.rpc.sendOpts<AgentInput>({ ...(ctx.traceparent ? { headers: { traceparent: ctx.traceparent } } : {}) });
      const sub = await workflow(ctx, ctx.runId).workflowSubmit(input, opts);
      return { id: ctx.runId, invocationId: sub.invocationId };
    },
    async approve(ctx, _handle: RunHandle, decision) {
      await ingress(ctx).resolveAwakeable<ApprovalPayload>(decision.approvalId, approvalResult(decision));
    },
    async outcome(ctx, handle): Promise<Outcome> {
      try {
        const out = await workflow(ctx, handle.id).workflowOutput();
        if (out.ready) return { status: 'completed', answer: String(out.result.answer ?? '') };
        // a journal mismatch (code changed under a run in flight) keeps the invocation retrying forever: report it
        if (Date.now() - askedAt < 1000) return { status: 'running' };
        askedAt = Date.now();
        const stuck = await invocationFailure(adminUrl(engineOf(ctx)), AGENT, handle.id, true).catch(() => undefined);
        return stuck ? { status: 'failed', error: stuck } : { status: 'running' };
      } catch (e) {
        // Only a failure the server recorded counts; an ingress that is restarting is still "running".
        const failure = await invocationFailure(adminUrl(engineOf(ctx)), AGENT, handle.id).catch(() => undefined);
        if (failure !== undefined) return { status: 'failed', error: failure };
        if (e instanceof clients.HttpCallError) return { status: 'running' };
        throw e;
      }
    },
  };
}
