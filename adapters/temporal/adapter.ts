/** The Temporal adapter: the agent loop as a workflow on a real Temporal dev server. */
import { textOf } from '../../harness/json.js';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { Adapter, AdapterContext, RunHandle } from '../../harness/run/adapter.js';
import { workerEnv } from '../../harness/run/adapter.js';
import { agentTask, approvalResult } from '../../harness/agent/index.js';
import { HarnessError } from '../../harness/errors.js';
import type { Outcome } from '../../harness/store/types.js';
import { distRoot } from '../../harness/paths.js';
import { temporalEngine } from './engine.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { temporalManifest } from './manifest.js';
import { caseTraceInterceptor } from './trace-header.js';
import { APPROVAL_SIGNAL, NAMESPACE, TASK_QUEUE, WORKFLOW_TYPE, type AgentInput, type ApprovalDecisionSignal } from './shared.js';
import { currentVersionReady } from './worker-versioning.js';

export function temporalAdapter(): Adapter {
  const runs = temporalRuns({
    workflowType: WORKFLOW_TYPE,
    taskQueue: TASK_QUEUE,
    start(ctx) {
      const { startToCloseMs, heartbeatMs, scheduleToStartMs, retryInitialMs, maxAttempts, workflowTaskMs } = parseAdapterOptions(
        temporalManifest,
        ctx.options,
      );
      const timeouts = { startToCloseMs, heartbeatMs, scheduleToStartMs, retryInitialMs, maxAttempts };
      const input: AgentInput = { ...agentTask(ctx.scenario, ctx.options), timeouts };
      return { input, workflowTaskMs };
    },
    workerVersioning: (ctx) => parseAdapterOptions(temporalManifest, ctx.options).workerVersioning === 'pinned',
  });
  return {
    name: 'temporal',
    engine: () => temporalEngine,
    worker: (ctx) => ({ command: process.execPath, args: [join(distRoot, 'adapters/temporal/worker.js')], env: temporalWorkerEnv(ctx) }),
    ...runs,
  };
}

/** The worker's environment: it dials the link address, a Toxiproxy in front of the server when a net fault targets the engine. */
export function temporalWorkerEnv(ctx: AdapterContext): Record<string, string> {
  const link = ctx.engine?.linkAddress;
  return { ...workerEnv(ctx), ...(link ? { ORDEAL_ENGINE_URL: link } : {}) };
}

/** What differs between the agents run as a Temporal workflow: its type, its task queue, and its input. */
export interface TemporalRunsOptions {
  workflowType: string;
  taskQueue: string;
  start(ctx: AdapterContext): { input: unknown; workflowTaskMs: number };
  /** Whether its workers are versions of a Worker Deployment (Worker Versioning): the run waits for a current version. */
  workerVersioning?(ctx: AdapterContext): boolean;
}

/**
 * The orchestrator's side of an agent run as a Temporal workflow, whatever SDK its worker is written with: the start
 * (the run id is the workflow id), the human's decision as the `approval` signal, and the outcome from the server.
 */
export function temporalRuns(o: TemporalRunsOptions): Pick<Adapter, 'submit' | 'approve' | 'outcome' | 'close' | 'workerReady'> {
  let conn: Promise<Connection> | undefined;
  /**
   * Requests to the server not yet settled. The client retries a failed request from a timer (the server down for a
   * fault, a human's late signal): a retry on a channel closed meanwhile throws from that timer and takes the
   * orchestrator down, so close() lets them settle before it closes the channel.
   */
  const inFlight = new Set<Promise<unknown>>();
  const tracked = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    const done = () => void inFlight.delete(p);
    p.then(done, done);
    return p;
  };
  const client = async (ctx: AdapterContext): Promise<Client> => {
    const url = ctx.engine?.url;
    if (!url) throw new HarnessError('temporal: the dev server has not been started', 'ORD-304');
    conn ??= Connection.connect({ address: url }).catch((e: unknown) => {
      conn = undefined; // the server may be down for a fault: connect again next time
      throw e;
    });
    // the case's trace context rides on the start and the signals: the workflow's spans join the case's trace
    return new Client({ connection: await conn, namespace: NAMESPACE, interceptors: { workflow: [caseTraceInterceptor(ctx.traceparent)] } });
  };
  return {
    submit: (ctx) => tracked(submit(ctx)),
    approve: (ctx, handle, decision) => tracked(approve(ctx, handle, decision)),
    outcome: (ctx, handle) => tracked(outcome(ctx, handle)),
    // with Worker Versioning, a workflow started before its deployment has a current version would wait for an
    // unversioned worker: the first worker (and a blue-green version 2) is ready once its version is current
    async workerReady(ctx, deployment = 1) {
      if (o.workerVersioning?.(ctx)) await tracked(currentVersionReady(await client(ctx), deployment));
    },
    async close() {
      const c = conn;
      conn = undefined;
      // the channel closes once every request settled; one still retrying past a second (the client's retries of a
      // request to a dead server last ~20 s, and an AbortSignal does not cut them short) closes it when it settles
      const closing = Promise.allSettled([...inFlight]).then(async () => (await c?.catch(() => undefined))?.close());
      await Promise.race([closing, new Promise((r) => setTimeout(r, 1000).unref())]);
    },
  };

  async function submit(ctx: AdapterContext): Promise<RunHandle> {
    const { input, workflowTaskMs } = o.start(ctx);
    const c = await client(ctx);
    // The run id is the workflow id: Temporal refuses a second start of the same id, so a retried submit is harmless.
    await c.workflow.start(o.workflowType, { workflowId: ctx.runId, taskQueue: o.taskQueue, args: [input], workflowTaskTimeout: workflowTaskMs });
    return { id: ctx.runId };
  }

  async function approve(ctx: AdapterContext, handle: RunHandle, decision: Parameters<Adapter['approve']>[2]): Promise<void> {
    const d: ApprovalDecisionSignal = { approvalId: decision.approvalId, ...approvalResult(decision) };
    await (await client(ctx)).workflow.getHandle(handle.id).signal(APPROVAL_SIGNAL, d);
  }

  async function outcome(ctx: AdapterContext, handle: RunHandle): Promise<Outcome> {
    const h = (await client(ctx)).workflow.getHandle(handle.id);
    let status: string;
    let taskAttempt: number;
    try {
      const d = await h.describe();
      status = d.status.name;
      taskAttempt = d.raw.pendingWorkflowTask?.attempt ?? 0;
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) return { status: 'running' };
      throw e;
    }
    if (status === 'RUNNING') {
      // a workflow task failing again and again: a non-determinism error keeps the workflow RUNNING, stuck, forever
      const nde = taskAttempt > 1 ? await nonDeterminism(h) : undefined;
      return nde ? { status: 'failed', error: nde } : { status: 'running' };
    }
    if (status === 'COMPLETED') return { status: 'completed', answer: textOf(((await h.result()) as { answer?: unknown })?.answer ?? '') };
    let error = `workflow ${status.toLowerCase()}`;
    await h.result().catch((e: Error) => (error += `: ${e.cause instanceof Error ? e.cause.message : e.message}`));
    return { status: 'failed', error };
  }
}

/** temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR */
const NON_DETERMINISTIC_ERROR = 24;

/**
 * The workflow task failure that keeps a RUNNING workflow from progressing, when it is Temporal's non-determinism
 * error (the history no longer matches the code): Temporal retries the task until the code is fixed.
 */
async function nonDeterminism(h: WorkflowHandle): Promise<string | undefined> {
  const events = (await h.fetchHistory()).events ?? [];
  const failed = [...events].reverse().find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
  if (!failed) return undefined;
  const message = failed.failure?.message ?? '';
  const nde = Number(failed.cause) === NON_DETERMINISTIC_ERROR;
  if (!nde && !/nondetermin/i.test(message)) return undefined;
  const attempts = events.filter((e) => e.workflowTaskFailedEventAttributes).length;
  return `non-determinism: the workflow stays RUNNING while every workflow task fails (${attempts} so far) with Temporal's non-determinism error: ${message}`;
}
