/** ordeal's tools as LangChain tools, keyed by LangGraph's durable identity of the step. */
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { interrupt } from '@langchain/langgraph';
import {
  APPROVAL_TOOL,
  approvalRequestArgs,
  effectKey,
  runTool,
  toolSchemas,
  type ApprovalResult,
  type WorldClient,
} from '../../harness/agent/index.js';
import { toolSpan } from '../../harness/telemetry/index.js';
import { nextAttempt } from './telemetry.js';
import { V2_TOOLS_NODE, v2Ran } from './graph-agent.js';

export interface ToolDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
}

interface Schema {
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** What a tool is called with: the task's config, the call, and (from a ToolNode) the fields its `Send` carried besides the call. */
type ToolConfig = LangGraphRunnableConfig & { toolCall?: { id?: string }; toolCallId?: string; state?: { version?: number } };

/** thread + the task's checkpoint namespace (node name and task id, derived from the checkpoint) + the journaled tool call id. */
export function stepKey(config: ToolConfig): string {
  const c = config.configurable ?? {};
  const callId = config.toolCall?.id ?? config.toolCallId;
  if (!c.thread_id || !c.checkpoint_ns || !callId)
    throw new Error(`langgraph: no durable step identity (thread ${c.thread_id}, ns ${c.checkpoint_ns}, call ${callId})`);
  return `lg:${c.thread_id}:${c.checkpoint_ns}:${callId}`;
}

/** What the approval tool returns once the human has decided. */
export type Decision = ApprovalResult;

/** What `interrupt()` surfaces to the worker: the approval to wait for. */
export interface ApprovalWait {
  approvalId: string;
  summary: string;
}

export function agentTools(deps: ToolDeps): StructuredToolInterface[] {
  return (toolSchemas as Schema[]).map(({ function: f }) =>
    tool(
      async (args: Record<string, unknown>, runtime: unknown) => {
        const config = runtime as ToolConfig;
        const key = stepKey(config);
        const step = config.metadata?.langgraph_step as number | undefined;
        const id = { step: key, attempt: nextAttempt(key) };
        if (f.name === APPROVAL_TOOL) return approval(deps, key, args, id);
        await deps.world.probe('tool:before', { ...(step !== undefined ? { step } : {}), detail: { name: f.name, key } });
        // version 2 of the graph (deploy): the tool runs in the renamed ToolNode, or its Send carried the changed argument
        // (not the approval tool above, which runs again when its interrupt is resumed)
        if (config.metadata?.langgraph_node === V2_TOOLS_NODE) await v2Ran(deps.world, 'rename-tool', config);
        else if (config.state?.version === 2) await v2Ran(deps.world, 'changed-arg', config);
        const call = { id: config.toolCall?.id ?? '', type: 'function' as const, function: { name: f.name, arguments: JSON.stringify(args) } };
        const sent = effectKey(f.name, key, deps.idempotency);
        return toolSpan(f.name, call.id || undefined, { ...id, ...(sent ? { idempotencyKey: sent } : {}) }, () =>
          runTool(call, {
            world: deps.world,
            workspace: deps.workspace,
            ...(step !== undefined ? { step } : {}),
            ...(sent ? { idempotencyKey: sent } : {}),
          }),
        );
      },
      { name: f.name, description: f.description, schema: permissive(f.parameters) },
    ),
  );
}

/** The model is scripted and the world validates effects, so LangChain's own argument check must not refuse a scenario's extra fields. */
function permissive(parameters: Record<string, unknown>): Record<string, unknown> {
  const props = (parameters.properties ?? {}) as Record<string, unknown>;
  return { type: 'object', properties: Object.fromEntries(Object.keys(props).map((k) => [k, {}])), additionalProperties: true };
}

/** Posts the request (idempotent by id), then pauses the thread with `interrupt()` until the worker resumes it. */
async function approval(deps: ToolDeps, key: string, args: Record<string, unknown>, id: { step: string; attempt: number }): Promise<Decision> {
  const approvalId = `approval:${key}`;
  const [summary, payload] = approvalRequestArgs(args);
  // the span covers the request only: interrupt() below throws to pause the thread, which is not a failure
  const a = await toolSpan('request_approval', undefined, id, () => deps.world.requestApproval(approvalId, summary, payload));
  if (a.status === 'pending') await deps.world.probe('approval:waiting', { detail: { id: approvalId } });
  const wait: ApprovalWait = { approvalId, summary };
  return interrupt<ApprovalWait, Decision>(wait);
}
