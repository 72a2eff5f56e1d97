/**
 * The agent loop as Conductor metadata: three task definitions (retries, timeouts and the response timeout live here)
 * and one workflow definition, a DO_WHILE whose every iteration runs one step of the agent: the model, a stretch of a
 * turn's tool calls as a dynamic fork, or an approval as a HUMAN task. No Node imports: the worker and the adapter share it.
 */

export const WORKFLOW = 'ordeal_agent';
export const WORKFLOW_VERSION = 1;
export const MODEL_TASK = 'ordeal_model';
export const TOOL_TASK = 'ordeal_tool';
export const APPROVAL_REQUEST_TASK = 'ordeal_approval_request';
/** Version 2's tasks (deploy): the tool task under its new name (rename-tool), the audit before a turn's calls (extra-step). */
export const V2_TOOL_TASK = 'ordeal_tool_v2';
export const AUDIT_TASK = 'ordeal_audit';
/** The workflow definition version 2 of the agent registers when its change is in the workflow (extra-step). */
export const V2_WORKFLOW_VERSION = 2;

/** The HUMAN task's reference name (Conductor appends `__<iteration>` inside the loop). */
export const APPROVAL_REF = 'approval';

/** Retries and timeouts of every worker task, from `--opt` (see manifest.ts). */
export interface TaskPolicy {
  retryCount: number;
  retryDelayS: number;
  timeoutS: number;
  responseTimeoutS: number;
}

/** One step the loop runs next: a model call, a stretch of tool calls (one fork), or an approval. */
export type Step =
  | { kind: 'model' }
  | { kind: 'calls'; tasks: { name: string; taskReferenceName: string; type: 'SIMPLE' }[]; inputs: Record<string, { call: unknown }> }
  | { kind: 'approval'; approvalId: string; call: { id: string; function: { name: string; arguments: string } } };

/** What the model task returns; SET_VARIABLE keeps it in the workflow's variables, the loop's durable state. */
export interface ModelOutput {
  /** The conversation so far, the model's reply included. */
  messages: unknown[];
  /** The reply's tool calls, in order: their results are appended to the conversation before the next model call. */
  calls: unknown[];
  /** The steps that run this turn's calls (toolBatches), consumed one per iteration. */
  queue: Step[];
  /** Tool results of this turn by call id, filled as the steps finish. */
  results: Record<string, unknown>;
  done: boolean;
  answer: string | null;
}

export function taskDefs(p: TaskPolicy, names: readonly string[] = [MODEL_TASK, TOOL_TASK, APPROVAL_REQUEST_TASK]) {
  const def = (name: string, description: string) => ({
    name,
    description,
    ownerEmail: 'ordeal@example.com',
    retryCount: p.retryCount,
    retryLogic: 'FIXED',
    retryDelaySeconds: p.retryDelayS,
    timeoutSeconds: p.timeoutS,
    timeoutPolicy: 'RETRY',
    responseTimeoutSeconds: p.responseTimeoutS,
    pollTimeoutSeconds: 0,
    concurrentExecLimit: 0,
  });
  const described: Record<string, string> = {
    [MODEL_TASK]: 'one model call of the agent loop',
    [TOOL_TASK]: 'one tool call of the agent loop',
    [APPROVAL_REQUEST_TASK]: "puts the approval request in the human's inbox",
    [V2_TOOL_TASK]: 'one tool call of the agent loop (version 2: the task renamed)',
    [AUDIT_TASK]: "an audit call before a turn's tool calls (version 2)",
  };
  return names.map((n) => def(n, described[n] ?? n));
}

// jq (JSON_JQ_TRANSFORM, run by the server): the next step, and the bookkeeping after a step.
const NEXT = 'if ((.queue // []) | length) > 0 then .queue[0] else {kind: "model"} end';
const AFTER_CALLS = '{results: ((.results // {}) + ([.joined[] | {(.callId): .result}] | add // {})), queue: (.queue[1:])}';
const AFTER_APPROVAL = '{results: ((.results // {}) + {(.callId): .decision}), queue: (.queue[1:])}';

const jq = (ref: string, queryExpression: string, input: Record<string, unknown>) => ({
  name: ref,
  taskReferenceName: ref,
  type: 'JSON_JQ_TRANSFORM',
  inputParameters: { queryExpression, ...input },
});
const setVariables = (ref: string, input: Record<string, unknown>) => ({
  name: ref,
  taskReferenceName: ref,
  type: 'SET_VARIABLE',
  inputParameters: input,
});

/**
 * The workflow: `DO_WHILE (not done) { next; SWITCH next.kind { model | calls | approval } }`, the answer as its output.
 * `audit` (version 2 of the agent, deploy change=extra-step): definition version 2, an audit task before each fork.
 */
export function workflowDef(audit = false) {
  const auditTask = { name: AUDIT_TASK, taskReferenceName: 'audit', type: 'SIMPLE', inputParameters: { tasks: '${next.output.result.tasks}' } };
  return {
    name: WORKFLOW,
    version: audit ? V2_WORKFLOW_VERSION : WORKFLOW_VERSION,
    description: "ordeal's agent loop: model, tool calls as a dynamic fork, approval as a HUMAN task",
    ownerEmail: 'ordeal@example.com',
    schemaVersion: 2,
    restartable: true,
    timeoutPolicy: 'ALERT_ONLY',
    timeoutSeconds: 0,
    inputParameters: ['task', 'system', 'toolCalls'],
    outputParameters: { answer: '${workflow.variables.answer}' },
    tasks: [
      {
        name: 'turns',
        taskReferenceName: 'turns',
        type: 'DO_WHILE',
        inputParameters: { done: '${workflow.variables.done}' },
        loopCondition: 'if ($.done == true) { false; } else { true; }',
        loopOver: [
          jq('next', NEXT, { queue: '${workflow.variables.queue}' }),
          {
            name: 'step',
            taskReferenceName: 'step',
            type: 'SWITCH',
            evaluatorType: 'value-param',
            expression: 'kind',
            inputParameters: { kind: '${next.output.result.kind}' },
            decisionCases: {
              model: [
                {
                  name: MODEL_TASK,
                  taskReferenceName: 'model',
                  type: 'SIMPLE',
                  inputParameters: {
                    agent: '${workflow.input}',
                    messages: '${workflow.variables.messages}',
                    calls: '${workflow.variables.calls}',
                    results: '${workflow.variables.results}',
                  },
                },
                setVariables('after_model', {
                  messages: '${model.output.messages}',
                  calls: '${model.output.calls}',
                  queue: '${model.output.queue}',
                  results: '${model.output.results}',
                  done: '${model.output.done}',
                  answer: '${model.output.answer}',
                }),
              ],
              calls: [
                ...(audit ? [auditTask] : []),
                {
                  name: 'tools',
                  taskReferenceName: 'tools',
                  type: 'FORK_JOIN_DYNAMIC',
                  dynamicForkTasksParam: 'dynamicTasks',
                  dynamicForkTasksInputParamName: 'dynamicTasksInput',
                  inputParameters: { dynamicTasks: '${next.output.result.tasks}', dynamicTasksInput: '${next.output.result.inputs}' },
                },
                { name: 'tools_join', taskReferenceName: 'tools_join', type: 'JOIN' },
                jq('after_tools', AFTER_CALLS, {
                  results: '${workflow.variables.results}',
                  queue: '${workflow.variables.queue}',
                  joined: '${tools_join.output}',
                }),
                setVariables('keep_tools', { results: '${after_tools.output.result.results}', queue: '${after_tools.output.result.queue}' }),
              ],
              approval: [
                {
                  name: APPROVAL_REQUEST_TASK,
                  taskReferenceName: 'approval_request',
                  type: 'SIMPLE',
                  inputParameters: { approvalId: '${next.output.result.approvalId}', call: '${next.output.result.call}' },
                },
                {
                  name: APPROVAL_REF,
                  taskReferenceName: APPROVAL_REF,
                  type: 'HUMAN',
                  inputParameters: { approvalId: '${next.output.result.approvalId}' },
                },
                jq('after_approval', AFTER_APPROVAL, {
                  results: '${workflow.variables.results}',
                  queue: '${workflow.variables.queue}',
                  callId: '${next.output.result.call.id}',
                  decision: '${approval.output}',
                }),
                setVariables('keep_approval', { results: '${after_approval.output.result.results}', queue: '${after_approval.output.result.queue}' }),
              ],
            },
            defaultCase: [],
          },
        ],
      },
    ],
  };
}
