/** The agent loop as a Restate workflow: model and tool calls in `ctx.run`, approval through an awakeable. */
import * as restate from '@restatedev/restate-sdk';
import { runTool, toolArgs, toolSchemas, WorldClient, WorldHttpError, type ChatMessage, type ToolResult } from '../../harness/agent/index.js';

export interface AgentInput {
  task: string;
  system?: string;
}

export interface AgentOutput {
  answer: string;
}

export interface AgentDeps {
  world: WorldClient;
  workspace: string;
  idempotency: 'framework' | 'none';
  maxTurns?: number;
}

/** The workflow's name at the ingress: `/agent/<runId>/run`. */
export const AGENT = 'agent';

/** Decision the human sends through the awakeable. */
export interface ApprovalPayload {
  approved: boolean;
  values?: Record<string, unknown>;
}

export function agentWorkflow(deps: AgentDeps) {
  // Executions of each step in this process, for the probes' attempt number.
  const attempts = new Map<string, number>();

  return restate.workflow({
    name: AGENT,
    handlers: {
      run: async (ctx: restate.WorkflowContext, input: AgentInput): Promise<AgentOutput> => {
        // The step counter is advanced by the handler's own deterministic code, so replays see the same numbers.
        let seq = 0;
        const processing = () => (ctx as unknown as restate.internal.ContextInternal).isProcessing();
        /** One journaled step: the key is Restate's durable identity of it (invocation id + journal position). */
        const step = async <T>(name: string, point: 'llm:before' | 'tool:before', action: (key: string, seq: number, attempt: number) => Promise<T>): Promise<T> => {
          const n = ++seq;
          const key = `${ctx.request().id}:${n}`;
          const result = await ctx.run(name, async () => {
            const attempt = (attempts.get(key) ?? 0) + 1;
            attempts.set(key, attempt);
            await deps.world.probe(point, { step: n, attempt, detail: { name } });
            return action(key, n, attempt);
          });
          if (processing()) await deps.world.probe('step:journaled', { step: n, detail: { name } });
          return result as T;
        };

        const messages: ChatMessage[] = [
          { role: 'system', content: input.system ?? 'You are a careful agent. Use the tools.' },
          { role: 'user', content: input.task },
        ];
        for (let turn = 0; turn < (deps.maxTurns ?? 200); turn++) {
          const reply = await step('llm', 'llm:before', () => deps.world.chat(messages, toolSchemas));
          messages.push(reply.message);
          const calls = reply.message.tool_calls ?? [];
          if (calls.length === 0) return { answer: reply.message.content ?? '' };
          for (const call of calls) {
            let result: ToolResult;
            if (call.function.name === 'request_approval') {
              const args = toolArgs(call);
              const { id, promise } = ctx.awakeable<ApprovalPayload>();
              // The awakeable id is the approval id: the human's answer resolves it through the ingress.
              await step('approval:request', 'tool:before', () => deps.world.requestApproval(id, String(args.summary ?? ''), args.payload ?? null));
              if (processing()) await deps.world.probe('approval:waiting', { detail: { id } });
              const decision = await promise;
              result = { approved: decision.approved, ...(decision.values ? { values: decision.values } : {}) };
            } else {
              result = await step(`tool:${call.function.name}`, 'tool:before', (key, n, attempt) =>
                runTool(call, {
                  world: deps.world,
                  workspace: deps.workspace,
                  step: n,
                  attempt,
                  ...(deps.idempotency === 'framework' ? { idempotencyKey: key } : {}),
                }),
              );
            }
            messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
          }
        }
        throw new restate.TerminalError('agent: too many turns');
      },
    },
    options: {
      // A refusal the world will repeat (4xx other than 408/409/429) ends the run; everything else Restate retries by its policy.
      asTerminalError: (e: unknown) => (e instanceof WorldHttpError && !e.retryable ? new restate.TerminalError(e.message) : undefined),
    },
  });
}

export type AgentWorkflow = ReturnType<typeof agentWorkflow>;
