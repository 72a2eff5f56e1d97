// The agent of __NAME__, in JavaScript on ordeal's worker kit (ordeal/agent): the usual tool-calling loop against the
// world, made durable by a journal (an fsynced JSON-lines file): every model call and tool call is a numbered step
// whose result is journaled, and a restarted worker replays journaled steps instead of redoing them. Effects carry
// Idempotency-Key "<run id>:<step>" unless ORDEAL_IDEMPOTENCY=none. Replace the loop with your agent; keep the probes.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { WorldClient, WorldHttpError, effectKey, exitWithParent, openingMessages, readWorkerEnv, runTool, toolArgs, toolSchemas } from 'ordeal/agent';

const env = readWorkerEnv();
const world = new WorldClient(env.worldUrl);
const dir = join(env.dataDir, '__NAME__');
const journalFile = join(dir, 'journal.jsonl');
exitWithParent(env.parentPid);
process.on('SIGTERM', () => process.exit(0));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Connection errors and retryable answers are retried; a 4xx the world meant is the tool's result {error}. */
async function retried(call, retries = 8) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (e instanceof WorldHttpError && !e.retryable) return { error: e.body?.error ?? { code: e.status } };
      if (attempt >= retries) throw e;
    }
    await sleep(Math.min(2000, 50 * 2 ** attempt));
  }
}

/** Step results by step number, and how many times each step was started (its attempt). */
const results = new Map();
const starts = new Map();
if (existsSync(journalFile))
  for (const line of readFileSync(journalFile, 'utf8').split('\n')) {
    let rec;
    try {
      rec = JSON.parse(line);
    } catch {
      continue; // a torn last line: the worker died mid-write
    }
    if ('result' in rec) results.set(rec.step, rec.result);
    else starts.set(rec.step, (starts.get(rec.step) ?? 0) + 1);
  }

function append(rec) {
  const fd = openSync(journalFile, 'a');
  try {
    writeSync(fd, JSON.stringify(rec) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Runs `run(attempt)` once durably: a journaled result is returned without running it again. */
async function step(n, name, run) {
  if (results.has(n)) return results.get(n);
  const attempt = (starts.get(n) ?? 0) + 1;
  starts.set(n, attempt);
  append({ step: n, started: name });
  await retried(() => world.probe(name === 'llm' ? 'llm:before' : 'tool:before', { step: n, attempt, detail: { name } }));
  const result = await run(attempt);
  append({ step: n, result });
  results.set(n, result);
  await retried(() => world.probe('step:journaled', { step: n, attempt, detail: { name } }));
  return result;
}

async function waitFile(file) {
  while (!existsSync(file)) await sleep(50);
  return JSON.parse(readFileSync(file, 'utf8'));
}

async function agent(task) {
  const messages = [...openingMessages({ task: task.task, ...(task.system ? { system: task.system } : {}) })];
  let n = 0;
  for (;;) {
    const reply = await step(n++, 'llm', async () => (await retried(() => world.chat(messages, toolSchemas))).message);
    messages.push(reply);
    const calls = reply.tool_calls ?? [];
    if (calls.length === 0) return reply.content ?? '';
    for (const call of calls) {
      let result;
      if (call.function.name === 'request_approval') {
        const id = `${env.runId}:${n}`;
        const args = toolArgs(call);
        await step(n++, 'approval:request', () => retried(() => world.requestApproval(id, String(args.summary ?? ''), args.payload ?? null)));
        if (!results.has(n)) await retried(() => world.probe('approval:waiting', { detail: { id } }));
        result = await step(n++, `approval:${id}`, () => waitFile(join(dir, `approval-${id.replace(/:/g, '_')}.json`)));
      } else {
        const s = n++;
        result = await step(s, `tool:${call.function.name}`, (attempt) => {
          const key = effectKey(call.function.name, `${env.runId}:${s}`, env.idempotency);
          return retried(() => runTool(call, { world, workspace: env.workspace, ...(key ? { idempotencyKey: key } : {}), step: s, attempt })).catch((e) => ({
            error: String(e?.message ?? e),
          }));
        });
      }
      messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
    }
  }
}

mkdirSync(dir, { recursive: true });
await retried(() => world.probe('worker:ready'));
const task = await waitFile(join(dir, 'task.json'));
const outcome = join(dir, 'outcome.json');
if (!existsSync(outcome)) {
  const answer = await agent(task);
  writeFileSync(`${outcome}.tmp`, JSON.stringify({ status: 'completed', answer }));
  renameSync(`${outcome}.tmp`, outcome);
}
setInterval(() => undefined, 1 << 30); // a worker stays up until ordeal stops it, like every adapter's worker
