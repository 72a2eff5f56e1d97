/** The Conductor adapter: the agent loop as a Conductor OSS workflow on the real server, driven through its REST API. */
import { join } from 'node:path';
import { agentTask, approvalResult } from '../../harness/agent/index.js';
import { HarnessError } from '../../harness/errors.js';
import { textOf } from '../../harness/json.js';
import { distRoot } from '../../harness/paths.js';
import { workerEnv, type Adapter, type AdapterContext } from '../../harness/run/adapter.js';
import type { Outcome } from '../../harness/store/types.js';
import { APPROVAL_REF, WORKFLOW, WORKFLOW_VERSION } from './definitions.js';
import { conductorEngine } from './engine.js';
import { ConductorHttp, ConductorHttpError } from './http.js';

interface TaskView {
  taskId: string;
  taskType: string;
  referenceTaskName: string;
  status: string;
  inputData?: Record<string, unknown>;
}
interface WorkflowView {
  status: string;
  output?: { answer?: unknown };
  reasonForIncompletion?: string;
  tasks?: TaskView[];
}

/** The server is restarting (a kill-engine) or not answering yet: not a verdict on the run. */
const unreachable = (e: unknown): boolean => !(e instanceof ConductorHttpError) || e.status >= 500;

export function conductorAdapter(): Adapter {
  const api = (ctx: AdapterContext): ConductorHttp => {
    if (!ctx.engine) throw new HarnessError('conductor: the server has not been started', 'ORD-371');
    return new ConductorHttp(ctx.engine.url);
  };
  return {
    name: 'conductor',
    engine: () => conductorEngine,
    worker: (ctx) => {
      // the workers dial the link address: a Toxiproxy in front of the server when a net fault targets the engine
      const link = ctx.engine?.linkAddress;
      return {
        command: process.execPath,
        args: [join(distRoot, 'adapters/conductor/worker.js')],
        env: { ...workerEnv(ctx), ...(link ? { ORDEAL_ENGINE_URL: `http://${link}` } : {}) },
      };
    },
    async submit(ctx) {
      const input = agentTask(ctx.scenario, ctx.options);
      // the server names the workflow; the run id is its correlation id
      const id = await api(ctx).request<string>('POST', '/workflow', { name: WORKFLOW, version: WORKFLOW_VERSION, correlationId: ctx.runId, input });
      return { id: String(id) };
    },
    async approve(ctx, handle, decision) {
      // The approval request goes to the inbox before the HUMAN task is scheduled: wait for it (and for a restarting server).
      const deadline = Date.now() + 120_000;
      for (;;) {
        try {
          const wf = await api(ctx).request<WorkflowView>('GET', `/workflow/${handle.id}?includeTasks=true`);
          const human = (wf.tasks ?? []).filter((t) => t.taskType === 'HUMAN' && t.inputData?.approvalId === decision.approvalId);
          if (human.some((t) => t.status === 'COMPLETED')) return; // delivered before
          const waiting = human.find((t) => t.status === 'IN_PROGRESS');
          if (waiting) {
            // the task-id update: the body's outputData becomes the HUMAN task's output, which the loop reads back
            const update = { workflowInstanceId: handle.id, taskId: waiting.taskId, status: 'COMPLETED', outputData: approvalResult(decision) };
            await api(ctx).request('POST', '/tasks', update);
            return;
          }
          if (wf.status !== 'RUNNING' && wf.status !== 'PAUSED')
            throw new HarnessError(
              `conductor: workflow ${handle.id} is ${wf.status}; the approval ${decision.approvalId} has no ${APPROVAL_REF} task to complete`,
              'ORD-372',
            );
        } catch (e) {
          if (e instanceof HarnessError && !(e instanceof ConductorHttpError)) throw e;
          if (!unreachable(e)) throw e;
        }
        if (Date.now() > deadline)
          throw new HarnessError(`conductor: no HUMAN task waits for approval ${decision.approvalId} after 120 s`, 'ORD-373');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async outcome(ctx, handle): Promise<Outcome> {
      let wf: WorkflowView;
      try {
        wf = await api(ctx).request<WorkflowView>('GET', `/workflow/${handle.id}?includeTasks=false`);
      } catch (e) {
        if (unreachable(e)) return { status: 'running' };
        throw e;
      }
      if (wf.status === 'RUNNING' || wf.status === 'PAUSED') return { status: 'running' };
      if (wf.status === 'COMPLETED') return { status: 'completed', answer: textOf(wf.output?.answer ?? '') };
      return { status: 'failed', error: `workflow ${wf.status.toLowerCase()}${wf.reasonForIncompletion ? `: ${wf.reasonForIncompletion}` : ''}` };
    },
  };
}
