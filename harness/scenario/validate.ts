import { InputError } from '../errors.js';
import { isRecord } from '../json.js';
import { TOOLS, isEffectTool, type ExpectedEffect, type Scenario, type Turn } from './types.js';
import { cassetteCalls, leafTurns, maxCalls } from './turns.js';

/** Checks an untrusted JSON value against the scenario format; every error names the file and field. */
export function validateScenario(raw: unknown, file: string): Scenario {
  const fail = (field: string, expected: string): never => {
    throw new InputError(`${file}: field '${field}' ${expected}`, 'ORD-201');
  };
  const obj = (v: unknown, field: string): Record<string, unknown> => (isRecord(v) ? v : fail(field, 'must be an object'));
  const str = (v: unknown, field: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(field, 'must be a non-empty string'));

  const s = obj(raw, '(root)');
  const name = str(s.name, 'name');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) fail('name', 'must be kebab-case (a-z, 0-9, -)');
  const fixture = obj(s.fixture ?? {}, 'fixture');
  const resources = obj(fixture.resources ?? {}, 'fixture.resources');
  const workspace = obj(fixture.workspace ?? {}, 'fixture.workspace');
  for (const [p, c] of Object.entries(workspace)) {
    if (typeof c !== 'string') fail(`fixture.workspace.${p}`, 'must be the file content as a string');
    if (p.startsWith('/') || p.split('/').includes('..')) fail(`fixture.workspace.${p}`, 'must be a relative path inside the workspace');
  }
  if (!Array.isArray(s.cassette) || s.cassette.length === 0) fail('cassette', 'must be a non-empty array of turns');
  const cassette: Turn[] = [];
  let resultsBefore = 0; // the most tool results a conversation can hold when it reaches this turn
  (s.cassette as unknown[]).forEach((t, i) => {
    const turn = validateTurn(t, `cassette[${i}]`, resultsBefore, fail, obj, str);
    cassette.push(turn);
    resultsBefore += maxCalls(turn);
  });
  const lastField = `cassette[${cassette.length - 1}]`;
  if (!leafTurns(cassette[cassette.length - 1]!).every((t) => 'final' in t))
    fail(lastField, 'must be the final answer ({"final": "…"}) on every branch: the last turn ends the conversation');
  const effectIds = new Set<string>();
  cassetteCalls(cassette).forEach((c) => c.effect && effectIds.add(c.effect));

  if (s.expectFrom !== undefined && s.expectFrom !== 'calm-run') fail('expectFrom', "must be 'calm-run' when present");
  const fromCalm = s.expectFrom === 'calm-run' || s.expect === undefined;
  if (s.calmRun !== undefined) str(s.calmRun, 'calmRun');
  const expect = obj(s.expect ?? { effects: [] }, 'expect');
  const effectList = (list: unknown, field: string): ExpectedEffect[] => {
    if (!Array.isArray(list)) fail(field, 'must be an array of {id, type, count?}');
    return (list as unknown[]).map((e, i) => {
      const f = `${field}[${i}]`;
      const o = obj(e, f);
      const id = str(o.id, `${f}.id`);
      const type = str(o.type, `${f}.type`);
      if (!isEffectTool(type)) fail(`${f}.type`, `must be an effect tool (got '${type}')`);
      if (!fromCalm && !effectIds.has(id)) fail(`${f}.id`, `must name an effect of a cassette call (no call has effect '${id}')`);
      if (o.count !== undefined && (!Number.isInteger(o.count) || (o.count as number) < 0)) fail(`${f}.count`, 'must be a whole number ≥ 0');
      return { id, type, ...(o.count !== undefined ? { count: o.count as number } : {}) };
    });
  };
  const effects = effectList(expect.effects, 'expect.effects');
  let onReject: Scenario['expect']['onReject'];
  if (expect.onReject !== undefined) {
    const r = obj(expect.onReject, 'expect.onReject');
    const rejectEffects = effectList(r.effects, 'expect.onReject.effects');
    if (r.answer !== undefined) str(r.answer, 'expect.onReject.answer');
    onReject = { effects: rejectEffects, ...(r.answer !== undefined ? { answer: r.answer as string } : {}) };
  }
  let ws: Record<string, string | null> | undefined;
  if (expect.workspace !== undefined) {
    ws = {};
    for (const [p, c] of Object.entries(obj(expect.workspace, 'expect.workspace'))) {
      if (c !== null && typeof c !== 'string') fail(`expect.workspace.${p}`, 'must be the expected content or null (file absent)');
      ws[p] = c as string | null;
    }
  }
  if (expect.answer !== undefined) str(expect.answer, 'expect.answer');
  let human: Scenario['human'];
  if (s.human !== undefined) {
    const h = obj(s.human, 'human');
    if (h.decision !== 'approve' && h.decision !== 'reject') fail('human.decision', "must be 'approve' or 'reject'");
    if (h.delayMs !== undefined && (typeof h.delayMs !== 'number' || h.delayMs < 0)) fail('human.delayMs', 'must be a number ≥ 0');
    human = { decision: h.decision as 'approve' | 'reject', ...(h.delayMs !== undefined ? { delayMs: h.delayMs as number } : {}) };
  }
  return {
    name,
    description: str(s.description, 'description'),
    task: str(s.task, 'task'),
    ...(s.system !== undefined ? { system: str(s.system, 'system') } : {}),
    fixture: { resources, workspace: workspace as Record<string, string> },
    cassette,
    expect: {
      effects,
      ...(ws ? { workspace: ws } : {}),
      ...(expect.answer !== undefined ? { answer: expect.answer as string } : {}),
      ...(onReject ? { onReject } : {}),
    },
    ...(fromCalm ? { expectFrom: 'calm-run' as const } : {}),
    ...(fromCalm && typeof s.calmRun === 'string' ? { calmRun: s.calmRun } : {}),
    ...(human ? { human } : {}),
    file,
  };
}

const RESULT_REF = /^\d+(\.[^.]+)*$/;

function validateTurn(
  t: unknown,
  field: string,
  resultsBefore: number,
  fail: (f: string, e: string) => never,
  obj: (v: unknown, f: string) => Record<string, unknown>,
  str: (v: unknown, f: string) => string,
): Turn {
  const o = obj(t, field);
  if ('when' in o || 'then' in o || 'else' in o) {
    const when = obj(o.when, `${field}.when`);
    const ref = str(when.result, `${field}.when.result`);
    if (!RESULT_REF.test(ref))
      fail(`${field}.when.result`, `must be "N" or "N.path" (the N-th tool result of the conversation, 0-based; got '${ref}')`);
    const n = Number(ref.split('.')[0]);
    if (n >= resultsBefore)
      fail(
        `${field}.when.result`,
        `must name an earlier tool result: at most ${resultsBefore} tool result${resultsBefore === 1 ? '' : 's'} precede this turn (got ${n})`,
      );
    if (!('equals' in when)) fail(`${field}.when.equals`, 'must be the JSON value the result is compared with');
    if (o.then === undefined) fail(`${field}.then`, 'must be the turn answered when the result equals when.equals');
    if (o.else === undefined) fail(`${field}.else`, 'must be the turn answered otherwise');
    return {
      when: { result: ref, equals: when.equals },
      then: validateTurn(o.then, `${field}.then`, resultsBefore, fail, obj, str),
      else: validateTurn(o.else, `${field}.else`, resultsBefore, fail, obj, str),
    };
  }
  const usage = o.usage === undefined ? undefined : validateUsage(obj(o.usage, `${field}.usage`), `${field}.usage`, fail);
  if ('final' in o) return { final: str(o.final, `${field}.final`), ...(usage ? { usage } : {}) };
  if (!Array.isArray(o.calls) || o.calls.length === 0)
    fail(field, 'must have "calls" (a non-empty array of tool calls), "final" (the answer) or "when"/"then"/"else" (a branch)');
  const calls = (o.calls as unknown[]).map((c, j) => {
    const f = `${field}.calls[${j}]`;
    const call = obj(c, f);
    const tool = str(call.tool, `${f}.tool`);
    if (!(TOOLS as readonly string[]).includes(tool)) fail(`${f}.tool`, `must be one of ${TOOLS.join(', ')} (got '${tool}')`);
    const args = obj(call.args ?? {}, `${f}.args`);
    if (isEffectTool(tool) && call.effect === undefined) fail(`${f}.effect`, `must name the logical effect of this ${tool} call`);
    return { tool, args, ...(call.effect !== undefined ? { effect: str(call.effect, `${f}.effect`) } : {}) };
  });
  return { ...(o.say !== undefined ? { say: str(o.say, `${field}.say`) } : {}), calls, ...(usage ? { usage } : {}) };
}

function validateUsage(u: Record<string, unknown>, field: string, fail: (f: string, e: string) => never) {
  for (const k of ['promptTokens', 'completionTokens'])
    if (!Number.isInteger(u[k]) || (u[k] as number) < 0) fail(`${field}.${k}`, 'must be a whole number ≥ 0');
  return { promptTokens: u.promptTokens as number, completionTokens: u.completionTokens as number };
}
