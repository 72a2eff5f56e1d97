/** The LangGraph worker: picks up the submitted thread, resumes it after a restart, and waits on approvals. */
import type { RunnableConfig } from '@langchain/core/runnables';
import { Command, type Send } from '@langchain/langgraph';
import { agentVersion, approvalResult, readWorkerEnv, exitWithParent, WorldClient } from '../../harness/agent/index.js';
import { ensureError } from '../../harness/errors.js';
import { buildApp, finalAnswer, initialInput, threadConfig, type AgentApp } from './app.js';
import { openSaver, reportWrites } from './checkpointer.js';
import { readRunRequest, writeFailure, type RunRequest } from './handoff.js';
import { chatModel } from './model.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { langgraphManifest, type LangGraphOptions } from './manifest.js';
import { agentSpan, ATTR, startWorkerTracing } from '../../harness/telemetry/index.js';
import { agentTools, type ApprovalWait, type Decision } from './tools.js';

/** The checkpoint channel of a graph's pending `Send`s (LangGraph's TASKS constant, not exported). */
const PENDING_SENDS = '__pregel_tasks';

const tracing = startWorkerTracing('ordeal-worker-langgraph');
const env = readWorkerEnv();
exitWithParent(env.parentPid);
const opts = parseAdapterOptions(langgraphManifest, env.options);
// version 2 (deploy): new graph or entrypoint code under the same name, resumed from the same checkpointer
const version = agentVersion(process.env, env.options);
const world = new WorldClient(env.worldUrl);
const store = await openSaver(opts, env.dataDir);
reportWrites(store.saver, async ({ kind, step, detail }) => {
  // a graph journals a superstep with `put`; the functional API journals each task's result with `putWrites`
  const counts = opts.api === 'functional' ? kind === 'putWrites' && (detail.channels as string[]).includes('__return__') : kind === 'put';
  if (counts) await world.probe('step:journaled', { ...(step !== undefined ? { step } : {}), detail: { kind, ...detail } });
});
const app = buildApp(opts, {
  model: chatModel(env.worldUrl),
  tools: agentTools({ world, workspace: env.workspace, idempotency: env.idempotency }),
  world,
  checkpointer: store.saver,
  toolCalls: opts.toolCalls,
  version,
});

let stopping = false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
async function shutdown(): Promise<void> {
  stopping = true;
  await store.close().catch(() => undefined);
  await tracing.shutdown(1000); // spans ended so far reach the world before exit
  process.exit(0);
}

await world.probe('worker:ready');
let req: RunRequest | undefined;
while (!(req = readRunRequest(env.dataDir))) await sleep(20);
try {
  await drive(app, opts, req);
} catch (e) {
  if (!stopping) writeFailure(env.dataDir, req.threadId, ensureError(e).message);
}
// stay up, as a deployed worker would, until the orchestrator stops it
setInterval(() => undefined, 1 << 30);

/** LangGraph's documented resume: the thread's last checkpoint tells whether to start, continue with null, or resume an interrupt. */
async function drive(agent: AgentApp, o: LangGraphOptions, r: RunRequest): Promise<void> {
  const config = threadConfig(r.threadId);
  let nudged: string | undefined;
  for (;;) {
    const snap = await agent.getState(config);
    const at = snap.config.configurable?.checkpoint_id as string | undefined;
    let input: unknown;
    if (!snap.createdAt) input = initialInput(o, r, version);
    else if (snap.next.length === 0) {
      if (finalAnswer(o, snap) !== undefined) return;
      // A checkpoint whose Send tasks all wrote their results before the kill shows no next node (with
      // durability=async the superstep's own checkpoint may not have been written): invoke(null) applies those writes
      // and goes on. Only a thread that does not move from there has nothing left to run.
      if (nudged === at)
        throw new Error(`langgraph: thread ${r.threadId} has nothing left to run but no final answer${await whyStopped(agent, config)}`);
      nudged = at;
      input = null;
    } else {
      const wait = snap.tasks
        .flatMap((t) => t.interrupts)
        .map((i) => i.value as ApprovalWait | undefined)
        .find((v) => v?.approvalId);
      input = wait ? new Command({ resume: await decision(wait.approvalId) }) : null;
    }
    // one invoke_agent span per invoke: it ends where the thread pauses for approval or finishes
    const resumed = Boolean(snap.createdAt);
    await agentSpan('ordeal-agent', () => agent.invoke(input, { ...config, durability: o.durability, recursionLimit: o.recursionLimit }), {
      'ordeal.resumed': resumed,
      // the functional API re-runs the entrypoint on resume, answering finished tasks from the checkpoint
      [ATTR.replayed]: resumed && o.api === 'functional',
    });
  }
}

/**
 * What a thread that stopped short says about itself: a pending `Send` in its last checkpoint to a node this graph does
 * not have (a graph whose node was renamed under it), which LangGraph skips with no more than a console warning.
 */
async function whyStopped(agent: AgentApp, config: RunnableConfig): Promise<string> {
  const nodes = (agent as { nodes?: Record<string, unknown> }).nodes ?? {};
  const tuple = await store.saver.getTuple(config).catch(() => undefined);
  const sends = tuple?.checkpoint.channel_values[PENDING_SENDS];
  const lost = (Array.isArray(sends) ? (sends as Send[]) : []).filter((s) => typeof s?.node === 'string' && !(s.node in nodes));
  if (!lost.length) return '';
  const names = [...new Set(lost.map((s) => `'${s.node}'`))].join(', ');
  return `: its last checkpoint holds ${lost.length} pending Send${lost.length === 1 ? '' : 's'} to node ${names}, which this graph does not have (LangGraph skipped ${lost.length === 1 ? 'it' : 'them'}: "Ignoring unknown node name")`;
}

/** LangGraph has no server to deliver the human's answer: poll the world's approval inbox. */
async function decision(id: string): Promise<Decision> {
  for (;;) {
    const a = await world.approvalStatus(id).catch(() => undefined);
    if (a && a.status !== 'pending') {
      return approvalResult({ approved: a.status === 'approved', values: a.decision?.values as Record<string, unknown> | undefined });
    }
    await sleep(50);
  }
}
