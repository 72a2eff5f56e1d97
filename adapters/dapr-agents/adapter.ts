/**
 * The dapr-agents adapter: Dapr Agents' DurableAgent (Python) as the agent app, daprd 1.18 with placement and scheduler
 * as its runtime. The orchestrator talks to daprd's workflow HTTP API: it starts the agent's workflow with the run id as
 * instance id, raises the human's decision as the event DurableAgent waits for, and reads the workflow's state.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { approvalResult, WorldClient } from '../../harness/agent/index.js';
import { requireEngine } from '../../harness/engines/registry.js';
import { daprAgentsSources } from '../../harness/engines/dapr-agents.js';
import { HarnessError } from '../../harness/errors.js';
import type { Adapter, AdapterContext, RunHandle } from '../../harness/run/adapter.js';
import { workerEnv } from '../../harness/run/adapter.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import type { Outcome } from '../../harness/store/types.js';
import { writeRunRequest } from '../langgraph/handoff.js';
import { daprAgentsEngine } from './engine.js';
import { daprAgentsManifest } from './manifest.js';

/** The name DurableAgent registers its workflow under (`agent_workflow_name` of an agent named `ordeal-agent`; the worker checks it). */
export const AGENT_WORKFLOW = 'dapr.agents.ordeal-agent.workflow';

const optionsOf = (ctx: AdapterContext) => parseAdapterOptions(daprAgentsManifest, ctx.options);

function daprdHttp(ctx: AdapterContext): string {
  if (!ctx.engine) throw new HarnessError('dapr-agents: daprd is not started', 'ORD-304');
  return ctx.engine.url;
}

/** daprd's workflow API (`/v1.0/workflows/dapr/…`); an error names the call and daprd's answer. */
async function workflowApi(ctx: AdapterContext, method: string, path: string, body?: unknown): Promise<unknown> {
  const url = `${daprdHttp(ctx)}/v1.0/workflows/dapr/${path}`;
  const res = await fetch(url, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  }).catch((e: unknown) => {
    // daprd is down (killed, or restarting): the caller decides whether that is an answer
    throw new HarnessError(
      `dapr-agents: daprd did not answer ${method} ${url}: ${e instanceof Error ? String(e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`,
      'ORD-381',
    );
  });
  const text = await res.text();
  if (!res.ok) throw new HarnessError(`dapr-agents: ${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`, 'ORD-380');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

interface WorkflowState {
  instanceID?: string;
  runtimeStatus?: string;
  properties?: Record<string, string>;
}

/** The instances the app started itself (`--opt start=app`), in order. */
function appInstances(dataDir: string): string[] {
  try {
    return readFileSync(join(dataDir, 'instances.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { instanceId: string }).instanceId);
  } catch {
    return [];
  }
}

/** The workflow's state; undefined while daprd does not know it yet or does not answer (it is being restarted). */
async function workflowState(ctx: AdapterContext, id: string): Promise<WorkflowState | undefined> {
  return (await workflowApi(ctx, 'GET', encodeURIComponent(id)).catch((e: unknown) => {
    if (e instanceof HarnessError && (e.code === 'ORD-381' || /answered (404|500)/.test(e.message))) return undefined;
    throw e;
  })) as WorkflowState | undefined;
}

function toOutcome(s: WorkflowState | undefined): Outcome {
  const status = s?.runtimeStatus;
  if (status === 'COMPLETED') {
    const out = s?.properties?.['dapr.workflow.output'];
    const message = out ? (JSON.parse(out) as { content?: unknown }) : {};
    return { status: 'completed', answer: typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '') };
  }
  if (status === 'FAILED' || status === 'TERMINATED') {
    const p = s?.properties ?? {};
    // the SDK's exception type and message: a replay that does not match the history is a NonDeterminismError
    const [type, message] = [p['dapr.workflow.failure.error_type'], p['dapr.workflow.failure.error_message']];
    return { status: 'failed', error: type && message ? `${type}: ${message}` : (message ?? type ?? `workflow ${status.toLowerCase()}`) };
  }
  return { status: 'running' };
}

export function daprAgentsAdapter(): Adapter {
  return {
    name: 'dapr-agents',
    engine: () => daprAgentsEngine,
    worker(ctx) {
      const e = ctx.engine;
      if (!e) throw new HarnessError('dapr-agents: daprd is not started', 'ORD-304');
      // the app's gRPC link to daprd (workflow stream, state, metadata) goes through the link address: a Toxiproxy
      // in front of daprd when a net fault targets the engine; its HTTP calls (health checks) go to daprd directly
      const [, grpcPort] = (e.linkAddress ?? `127.0.0.1:${e.ports.grpc}`).split(':');
      const path = [...daprAgentsSources(), ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(':');
      return {
        command: requireEngine('dapr-agents'),
        args: ['-m', 'ordeal_dapr_agents.worker'],
        env: {
          ...workerEnv(ctx),
          PYTHONPATH: path,
          PYTHONUNBUFFERED: '1',
          ORDEAL_AGENT_WORKFLOW: AGENT_WORKFLOW,
          DAPR_RUNTIME_HOST: '127.0.0.1',
          DAPR_HTTP_PORT: String(e.ports.http),
          DAPR_GRPC_PORT: grpcPort!,
          ...(ctx.scenario.system ? { ORDEAL_SYSTEM_PROMPT: ctx.scenario.system } : {}),
          // nothing may leave loopback: litellm (imported by dapr-agents) reads its cost map from the package, not the web
          LITELLM_LOCAL_MODEL_COST_MAP: 'True',
          HF_HUB_OFFLINE: '1',
        },
      };
    },
    async submit(ctx): Promise<RunHandle> {
      if (optionsOf(ctx).start === 'app') {
        // the app starts its own workflow (a new instance id on every start) from the task it reads here
        writeRunRequest(ctx.dataDir, { threadId: ctx.runId, task: ctx.scenario.task });
        return { id: ctx.runId, startedBy: 'app' };
      }
      // the run id is the instance id: one workflow per case, found again after any restart
      await workflowApi(ctx, 'POST', `${AGENT_WORKFLOW}/start?instanceID=${encodeURIComponent(ctx.runId)}`, { task: ctx.scenario.task });
      return { id: ctx.runId };
    },
    async approve(ctx, handle: RunHandle, decision) {
      // the approval service keeps the decision with the values the human edited (DurableAgent's event has no field
      // for them: the approved request_approval tool reads them there), then the event wakes the workflow
      await new WorldClient(ctx.worldUrl).request('POST', `/approvals/${encodeURIComponent(decision.approvalId)}/decision`, approvalResult(decision));
      // DurableAgent waits for `approval_response_<approval_request_id>`; the world knows the request by that id
      const instance = instanceOfApproval(ctx.dataDir, decision.approvalId) ?? handle.id;
      await workflowApi(ctx, 'POST', `${encodeURIComponent(instance)}/raiseEvent/approval_response_${encodeURIComponent(decision.approvalId)}`, {
        approval_request_id: decision.approvalId,
        approved: decision.approved,
      });
    },
    async outcome(ctx, handle): Promise<Outcome> {
      if (handle.startedBy !== 'app') return toOutcome(await workflowState(ctx, handle.id));
      // the app's first start began the user's run; a later start began another workflow (#197), and the case goes on
      // until every one of them is over, so that the checkers see what each did
      const [first, ...later] = appInstances(ctx.dataDir);
      if (!first) return { status: 'running' };
      const outcome = toOutcome(await workflowState(ctx, first));
      for (const id of later) if (toOutcome(await workflowState(ctx, id)).status === 'running') return { status: 'running' };
      return outcome;
    },
  };
}

/** The workflow instance that asked for this approval (the app notes it beside the request: agent.py). */
function instanceOfApproval(dataDir: string, approvalId: string): string | undefined {
  try {
    return readFileSync(join(dataDir, 'approvals.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { approvalId: string; instanceId: string })
      .find((a) => a.approvalId === approvalId)?.instanceId;
  } catch {
    return undefined;
  }
}
