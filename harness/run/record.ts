/**
 * `ordeal record`'s second half: turning what a recorded run saw (the model's answers in model.jsonl, the effects in
 * the ledger, the final workspace and answer) into a scenario a gate replays — the task, the fixture, the cassette
 * turn by turn and the expectation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { canonicalJson, isRecord } from '../json.js';
import { isEffectTool, TOOLS, type ExpectedEffect, type PlainTurn, type Scenario, type ToolCallSpec } from '../scenario/index.js';
import { readRunFolder } from '../store/index.js';
import { MODEL_FILE, type RecordedAnswer } from '../world/model-forward.js';

/** The scenario a recording starts from: what the agent is given; the cassette is a placeholder the real model replaces. */
export type RecordingSeed = Pick<Scenario, 'name' | 'description' | 'task' | 'fixture'> & Partial<Pick<Scenario, 'system' | 'human'>>;

export function recordingScenario(seed: RecordingSeed): Scenario {
  return { ...seed, cassette: [{ final: '(recording: answered by the real model)' }], expect: { effects: [] } };
}

/** The model's answers of a recorded run, by turn; a turn answered more than once keeps the last answer the agent got. */
export function recordedAnswers(runDir: string): RecordedAnswer[] {
  const file = join(runDir, MODEL_FILE);
  if (!existsSync(file)) return [];
  const byTurn = new Map<number, RecordedAnswer>();
  for (const a of modelLines(file)) if (!('error' in a)) byTurn.set(a.turn, a);
  return [...byTurn.values()].sort((a, b) => a.turn - b.turn);
}

function modelLines(file: string): (RecordedAnswer | { turn: number; error: { status: number; body: string } })[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RecordedAnswer);
}

/** The last error the model answered during the recording, in words, or ''. */
function lastModelError(runDir: string): string {
  const file = join(runDir, MODEL_FILE);
  const last = existsSync(file) ? [...modelLines(file)].reverse().find((l) => 'error' in l) : undefined;
  return last && 'error' in last
    ? `; the model last answered ${last.error.status === 0 ? '' : `HTTP ${last.error.status} `}${last.error.body.slice(0, 200)}`
    : '';
}

const fail = (message: string, runDir: string): never => {
  throw new HarnessError(`${message}; the recorded run folder: ${runDir}`, 'ORD-351');
};

/**
 * The scenario of a finished recording in `runDir`: each model answer becomes a turn (tool calls with their parsed
 * arguments, each effect call named `<tool>:<n>`, text beside calls as `say`, the final answer, the token counts the
 * model reported); `expect` (unless `withExpect` is false) lists the effects the ledger applied, the final answer and
 * the workspace files the run changed.
 */
export function scenarioFromRecording(seed: RecordingSeed, runDir: string, withExpect = true): Scenario {
  const run = readRunFolder(runDir);
  if (run.outcome.status !== 'completed')
    fail(
      `the agent did not finish while recording (${run.outcome.status === 'failed' ? `failed: ${run.outcome.error}` : 'still running at the timeout'})${lastModelError(runDir)}`,
      runDir,
    );
  const answers = recordedAnswers(runDir);
  if (answers.length === 0) fail('the agent never asked the model anything (no chat completion reached the world)', runDir);
  answers.forEach(
    (a, i) => a.turn !== i && fail(`the model's answer to turn ${i} is missing (turns recorded: ${answers.map((x) => x.turn).join(', ')})`, runDir),
  );
  const perTool = new Map<string, number>();
  const calls: ToolCallSpec[] = [];
  const cassette: PlainTurn[] = answers.map((a, i) => {
    const usage = a.usage ? { usage: a.usage } : {};
    if (a.toolCalls.length === 0) {
      if (i !== answers.length - 1) fail(`turn ${i} is a final answer but the agent asked the model again after it`, runDir);
      if (!a.content) fail(`the model's final answer (turn ${i}) is empty`, runDir);
      return { final: a.content!, ...usage };
    }
    if (i === answers.length - 1)
      fail(`the model's last answer (turn ${i}) asks for tool calls: the conversation never reached a final answer`, runDir);
    const turnCalls = a.toolCalls.map((c): ToolCallSpec => {
      if (!(TOOLS as readonly string[]).includes(c.name))
        fail(`the model called tool '${c.name}' at turn ${i}; the world serves ${TOOLS.join(', ')}`, runDir);
      let args: unknown;
      try {
        args = JSON.parse(c.arguments === '' ? '{}' : c.arguments);
      } catch {
        args = undefined;
      }
      if (!isRecord(args))
        return fail(`the arguments of the model's ${c.name} call at turn ${i} are not a JSON object: ${JSON.stringify(c.arguments)}`, runDir);
      const n = (perTool.get(c.name) ?? 0) + 1;
      if (isEffectTool(c.name)) perTool.set(c.name, n);
      const call: ToolCallSpec = { tool: c.name, args, ...(isEffectTool(c.name) ? { effect: `${c.name}:${n}` } : {}) };
      calls.push(call);
      return call;
    });
    return { ...(a.content ? { say: a.content } : {}), calls: turnCalls, ...usage };
  });
  const scenario: Scenario = { ...seed, cassette, expect: { effects: [] } };
  if (!withExpect) return { ...scenario, expectFrom: 'calm-run' };
  // the effects the ledger applied, named by the recorded call they came from
  const counts = new Map<string, ExpectedEffect>();
  for (const e of run.ledger) {
    if (e.outcome !== 'applied') continue;
    const call = calls.find((c) => c.tool === e.type && c.effect && canonicalJson(c.args) === canonicalJson(e.args));
    const id = call?.effect ?? fail(`the world applied a ${e.type} (ledger #${e.seq}) that no recorded model call asked for`, runDir);
    const x = counts.get(id) ?? { id, type: e.type, count: 0 };
    x.count = (x.count ?? 0) + 1;
    counts.set(id, x);
  }
  const workspace: Record<string, string | null> = {};
  for (const [p, content] of Object.entries(run.workspace)) if (seed.fixture.workspace[p] !== content) workspace[p] = content;
  for (const p of Object.keys(seed.fixture.workspace)) if (!(p in run.workspace)) workspace[p] = null;
  const outcome = run.outcome as { answer: string };
  return {
    ...scenario,
    expect: {
      effects: [...counts.values()].map(({ id, type, count }) => ({ id, type, ...(count !== 1 ? { count } : {}) })),
      ...(Object.keys(workspace).length ? { workspace } : {}),
      answer: outcome.answer,
    },
  };
}
