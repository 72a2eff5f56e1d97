/**
 * The Conductor adapter's worker: three polling task workers of `@io-orkes/conductor-javascript` (the model, the tools,
 * the approval request). The workflow's state lives on the server; this process only runs tasks and can die at any time.
 */
import {
  NonRetryableException,
  orkesConductorClient,
  TaskManager,
  type ConductorWorker,
  type Task,
  type TaskRunnerEventsListener,
} from '@io-orkes/conductor-javascript';
import {
  agentVersion,
  approvalRequestArgs,
  DEPLOY_PROBE,
  effectKey,
  hasChange,
  V2_SYSTEM_PROMPT,
  type DeployChange,
  exitWithParent,
  MODEL,
  openingMessages,
  readWorkerEnv,
  runTool,
  toolArgs,
  toolBatches,
  toolSchemas,
  WorldClient,
  WorldHttpError,
  type AgentTask,
  type ChatMessage,
  type ToolCall,
} from '../../harness/agent/index.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { chatSpan, startWorkerTracing, toolSpan } from '../../harness/telemetry/index.js';
import {
  APPROVAL_REQUEST_TASK,
  AUDIT_TASK,
  MODEL_TASK,
  taskDefs,
  TOOL_TASK,
  V2_TOOL_TASK,
  V2_WORKFLOW_VERSION,
  WORKFLOW,
  WORKFLOW_VERSION,
  workflowDef,
  type ModelOutput,
  type Step,
} from './definitions.js';
import { ConductorHttp } from './http.js';
import { conductorManifest } from './manifest.js';

const tracing = startWorkerTracing('ordeal-worker-conductor');
const env = readWorkerEnv();
exitWithParent(env.parentPid);
if (!env.engineUrl) throw new Error('conductor worker: ORDEAL_ENGINE_URL (the server URL) is not set');
const opts = parseAdapterOptions(conductorManifest, env.options);
const world = new WorldClient(env.worldUrl);
/** The agent's version (deploy): version 2 ships its change as new worker code and, for a change of the loop, a new definition version. */
const version = agentVersion(process.env, env.options);
const v2 = (change: DeployChange): boolean => hasChange(version, change);
/** Version 2's code ran live (a task runs once per attempt, never on replay): the `deploy:v2` probe. */
const v2Ran = (change: DeployChange, step: number) => world.probe(DEPLOY_PROBE, { step, detail: { change } });
// the SDK prefers these to its configuration: the server is ours alone
for (const k of Object.keys(process.env)) if (k.startsWith('CONDUCTOR_')) delete process.env[k];

/**
 * Ordeal's step number of a task, the same on every retry of it: 100 × the loop iteration it runs in, plus its place
 * in its fork for a tool call (`slot`, from 1).
 */
const stepOf = (task: Task, slot = 0): number => (task.iteration ?? 0) * 100 + slot;
/** Conductor counts retries from 0. */
const attemptOf = (task: Task): number => (task.retryCount ?? 0) + 1;

/** A refusal the world will repeat ends the task for good; anything else is a failure Conductor retries by the task definition. */
function asTaskError(e: unknown): unknown {
  return e instanceof WorldHttpError && !e.retryable ? new NonRetryableException(e.message) : e;
}

/** Steps whose results are recorded once the SDK's update is answered: taskId → the `step:journaled` probe's fields. */
const journaling = new Map<string, { step: number; name: string; approvalId?: string }>();

interface ModelInput {
  agent: AgentTask;
  messages?: ChatMessage[] | null;
  calls?: ToolCall[] | null;
  results?: Record<string, unknown> | null;
}

/** One model call: the conversation so far, this turn's tool results appended, and the steps that run the reply's calls. */
async function model(task: Task): Promise<ModelOutput> {
  const input = task.inputData as unknown as ModelInput;
  const step = stepOf(task);
  const attempt = attemptOf(task);
  await world.probe('llm:before', { step, attempt, detail: { name: 'llm' } });
  // the conversation is the workflow's state: version 2's prompt opens only a conversation that version 2 begins
  const v2Prompt = v2('system-prompt') && !input.messages;
  if (v2Prompt) await v2Ran('system-prompt', step);
  const messages: ChatMessage[] = input.messages
    ? [...input.messages]
    : [...openingMessages(v2Prompt ? { ...input.agent, system: V2_SYSTEM_PROMPT } : input.agent)];
  for (const call of input.calls ?? [])
    messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(input.results?.[call.id] ?? null) });
  const reply = (await chatSpan(MODEL, { step, attempt }, () => world.chat(messages, toolSchemas))).message;
  messages.push(reply);
  journaling.set(task.taskId!, { step, name: 'llm' });
  const calls = reply.tool_calls ?? [];
  if (calls.length === 0) return { messages, calls: [], queue: [], results: {}, done: true, answer: reply.content ?? '' };
  // Each stretch of calls is one dynamic fork; an approval is a step of its own (toolBatches). Reference names carry
  // the iteration of this model call, so they are unique in the workflow.
  const it = task.iteration ?? 0;
  const queue: Step[] = toolBatches(calls, (c) => c.function.name, input.agent.toolCalls).map((b, k): Step => {
    if ('approval' in b) return { kind: 'approval', approvalId: `${task.workflowInstanceId}:approval:${it}:${k}`, call: b.approval };
    const refs = b.calls.map((_, j) => `tool_${it}_${k}_${j}`);
    return {
      kind: 'calls',
      // version 2: the fork's tasks under the tool task's new name (rename-tool), or with one more input (changed-arg)
      tasks: refs.map((ref) => ({ name: v2('rename-tool') ? V2_TOOL_TASK : TOOL_TASK, taskReferenceName: ref, type: 'SIMPLE' })),
      inputs: Object.fromEntries(b.calls.map((call, j) => [refs[j]!, { call, slot: j + 1, ...(v2('changed-arg') ? { version: 2 } : {}) }])),
    };
  });
  return { messages, calls, queue, results: {}, done: false, answer: null };
}

/** One tool call; its effect key is Conductor's identity of the step: workflow id, task reference and loop iteration. */
async function tool(task: Task): Promise<{ callId: string; result: unknown }> {
  const { call, slot, version: argVersion } = task.inputData as { call: ToolCall; slot: number; version?: number };
  const name = call.function.name;
  const step = stepOf(task, slot);
  const attempt = attemptOf(task);
  if (task.taskType === V2_TOOL_TASK) await v2Ran('rename-tool', step);
  if (argVersion === 2) await v2Ran('changed-arg', step);
  await world.probe('tool:before', { step, attempt, detail: { name: `tool:${name}` } });
  const key = effectKey(name, `${task.workflowInstanceId}/${task.referenceTaskName}/${task.iteration ?? 0}`, env.idempotency);
  const id = { step, attempt, ...(key ? { idempotencyKey: key } : {}) };
  const result = await toolSpan(name, call.id, id, () =>
    runTool(call, { world, workspace: env.workspace, step, attempt, ...(key ? { idempotencyKey: key } : {}) }),
  );
  journaling.set(task.taskId!, { step, name: `tool:${name}` });
  return { callId: call.id, result };
}

/** Puts the approval request in the human's inbox; the HUMAN task that follows waits for the answer. */
async function approvalRequest(task: Task): Promise<Record<string, never>> {
  const { approvalId, call } = task.inputData as { approvalId: string; call: ToolCall };
  const step = stepOf(task);
  const attempt = attemptOf(task);
  await world.probe('tool:before', { step, attempt, detail: { name: 'approval:request' } });
  await toolSpan('request_approval', call.id, { step, attempt }, () => world.requestApproval(approvalId, ...approvalRequestArgs(toolArgs(call))));
  journaling.set(task.taskId!, { step, name: 'approval:request', approvalId });
  return {};
}

/** Version 2's audit before a turn's tool calls (extra-step): runs only in workflows of definition version 2. */
async function audit(task: Task): Promise<{ audited: number }> {
  await v2Ran('extra-step', stepOf(task));
  return { audited: ((task.inputData as { tasks?: unknown[] }).tasks ?? []).length };
}

const runs =
  <T>(fn: (task: Task) => Promise<T>): ConductorWorker['execute'] =>
  async (task) => {
    try {
      return { status: 'COMPLETED', outputData: (await fn(task)) as Record<string, unknown> };
    } catch (e) {
      throw asTaskError(e);
    }
  };

const common = { pollInterval: opts.pollIntervalMs, leaseExtendEnabled: opts.leaseExtend };
const workers: ConductorWorker[] = [
  { taskDefName: MODEL_TASK, execute: runs(model), concurrency: 1, ...common },
  // one turn's calls run at once: as many pollers as a turn can have calls
  { taskDefName: TOOL_TASK, execute: runs(tool), concurrency: 8, ...common },
  { taskDefName: APPROVAL_REQUEST_TASK, execute: runs(approvalRequest), concurrency: 1, ...common },
  // version 2: the renamed tool task beside version 1's (a fork scheduled before the deploy still names it), the audit
  ...(v2('rename-tool') ? [{ taskDefName: V2_TOOL_TASK, execute: runs(tool), concurrency: 8, ...common }] : []),
  ...(v2('extra-step') ? [{ taskDefName: AUDIT_TASK, execute: runs(audit), concurrency: 1, ...common }] : []),
];

/**
 * Version 2 registers what it adds, as a service registers its metadata at start: the new task's definition, and for
 * extra-step workflow definition version 2. Conductor keeps version 1, and a workflow runs the definition it started with.
 */
if (v2('rename-tool') || v2('extra-step')) {
  const api = new ConductorHttp(env.engineUrl);
  const policy = { retryCount: opts.retryCount, retryDelayS: opts.retryDelayS, timeoutS: opts.timeoutS, responseTimeoutS: opts.responseTimeoutS };
  await api.request('POST', '/metadata/taskdefs', taskDefs(policy, [v2('rename-tool') ? V2_TOOL_TASK : AUDIT_TASK]));
  if (v2('extra-step')) await api.request('PUT', '/metadata/workflow', [workflowDef(true)]);
}
/** The definition versions whose workflows this worker may run. */
const versions = v2('extra-step') ? [WORKFLOW_VERSION, V2_WORKFLOW_VERSION] : [WORKFLOW_VERSION];

// The server has the task's result once the update is answered: that is when the step is journaled.
const journal: TaskRunnerEventsListener = {
  async onTaskUpdateCompleted(e) {
    const j = journaling.get(e.taskId);
    if (!j) return;
    journaling.delete(e.taskId);
    await world.probe('step:journaled', { step: j.step, detail: { name: j.name } }).catch(() => undefined);
    if (j.approvalId) await world.probe('approval:waiting', { detail: { id: j.approvalId } }).catch(() => undefined);
  },
};

const quiet = { debug: () => undefined, info: () => undefined, error: (...a: unknown[]) => console.error(...a) };
const client = await orkesConductorClient({ serverUrl: env.engineUrl, logger: quiet });
const manager = new TaskManager(client, workers, {
  logger: quiet,
  options: { workerID: `ordeal-${process.pid}`, pollInterval: opts.pollIntervalMs, batchPollingTimeout: 100 },
  eventListeners: [journal],
});
manager.startPolling();

/**
 * Conductor retries a task whose worker went silent only when it decides the workflow: at the next task update, or when
 * its sweeper takes the workflow from the decider queue. On SQLite the sweeper's pop leaves the message popped, and the
 * queue's unack pass (every 60 s, for messages due 60 s before) returns it, so a lost task waited 60-150 s. The workers
 * ask for that decision themselves, as the server's own `PUT /api/workflow/decide/{id}` offers, for every running workflow.
 */
async function redecide(): Promise<void> {
  const api = new ConductorHttp(env.engineUrl!);
  try {
    for (const v of versions) {
      const ids = await api.request<string[]>('GET', `/workflow/running/${WORKFLOW}?version=${v}`);
      for (const id of ids ?? []) await api.request('PUT', `/workflow/decide/${id}`);
    }
  } catch {
    // the server is restarting or out of reach (a fault): the next round asks again
  }
  setTimeout(() => void redecide(), opts.redecideS * 1000).unref();
}
if (opts.redecideS > 0) setTimeout(() => void redecide(), opts.redecideS * 1000).unref();
await world.probe('worker:ready');

const shutdown = async () => {
  await manager.stopPolling().catch(() => undefined);
  await tracing.shutdown(1000);
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
