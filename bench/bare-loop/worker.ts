/**
 * The bench's bare loop: the agent loop as anyone would write it by hand, with no framework. Each model reply, and the
 * results of each stretch of concurrent tool calls, are appended to a file and fdatasynced before anything that
 * depends on them runs; a restart replays the file and goes on. The same world, client, tools and loop semantics as
 * every adapter (`toolBatches`), so the bench can say what a framework costs over this loop, in the same run.
 */
import { closeSync, existsSync, fdatasyncSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  effectKey,
  exitWithParent,
  MAX_TURNS,
  openingMessages,
  readWorkerEnv,
  runTool,
  toolBatches,
  toolSchemas,
  WorldClient,
  type AgentTask,
  type ChatMessage,
  type ToolResult,
} from '../../harness/agent/index.js';

const env = readWorkerEnv();
exitWithParent(env.parentPid);
const world = new WorldClient(env.worldUrl);
const task = JSON.parse(process.env.ORDEAL_BARE_TASK ?? '{}') as AgentTask;
if (typeof task.task !== 'string') throw new Error('bare loop: ORDEAL_BARE_TASK is not set (the bench starts this worker)');

/** The journal: one JSON line per durable step; a torn last line (a crash mid-append) is cut off before appending. */
const path = join(env.dataDir, 'bare-journal.jsonl');
const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
const whole = text.slice(0, text.lastIndexOf('\n') + 1);
if (whole.length !== text.length) truncateSync(path, Buffer.byteLength(whole));
const journaled = whole
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as unknown);
const created = !existsSync(path);
const fd = openSync(path, 'a');
if (created) {
  // the new file's directory entry is durable too (once, before the first step)
  const dir = openSync(env.dataDir, 'r');
  fsyncSync(dir);
  closeSync(dir);
}
let seq = 0;

async function step<T>(run: (seq: number) => Promise<T>): Promise<T> {
  const i = seq++;
  if (i < journaled.length) return journaled[i] as T;
  const value = await run(i);
  writeSync(fd, JSON.stringify(value) + '\n');
  fdatasyncSync(fd);
  return value;
}

async function agent(): Promise<string> {
  const messages: ChatMessage[] = [...openingMessages(task)];
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const reply = await step(() => world.chat(messages, toolSchemas));
    messages.push(reply.message);
    const calls = reply.message.tool_calls ?? [];
    if (calls.length === 0) return reply.message.content ?? '';
    const results: ToolResult[] = [];
    for (const batch of toolBatches(calls, (c) => c.function.name, task.toolCalls)) {
      if ('approval' in batch) throw new Error('bare loop: it runs the bench shapes, which ask for no approval');
      // one commit for the stretch: its calls depend on nothing but the reply, so their results may share it
      const done = await step((s) =>
        Promise.all(
          batch.calls.map((call, k) => {
            const key = effectKey(call.function.name, `${env.runId}:${s}:${k}`, env.idempotency);
            return runTool(call, { world, workspace: env.workspace, step: s, attempt: 1, ...(key ? { idempotencyKey: key } : {}) });
          }),
        ),
      );
      results.push(...done);
    }
    for (const [i, call] of calls.entries()) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i]) });
  }
  throw new Error('bare loop: too many turns');
}

await world.probe('worker:ready');
const outcome = await agent().then(
  (answer) => ({ status: 'completed', answer }),
  (e: unknown) => ({ status: 'failed', error: e instanceof Error ? e.message : String(e) }),
);
closeSync(fd);
writeFileSync(join(env.dataDir, 'outcome.json.tmp'), JSON.stringify(outcome));
renameSync(join(env.dataDir, 'outcome.json.tmp'), join(env.dataDir, 'outcome.json'));
// a worker stays until the orchestrator stops it, as every adapter's does
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
setInterval(() => undefined, 1 << 30);
