import { InputError } from '../errors.js';
import { isRecord } from '../json.js';
import { TOOLS, isEffectTool, type ExpectedEffect, type Scenario, type Turn } from './types.js';
import { cassetteCalls, leafTurns, maxCalls } from './turns.js';
import { templateResults } from '../world/templates.js';
import { MAX_DELAY_MS } from '../faults/types.js';

/** The longest name one file or folder of a workspace may have, in bytes (most filesystems' limit). */
const MAX_NAME_BYTES = 255;

/** What is wrong with a workspace path, or undefined: a relative path of files and folders a filesystem can hold. */
export function workspacePathProblem(p: string): string | undefined {
  if (p === '') return 'must be a file path, not empty';
  if (p.includes('\0')) return 'must not hold a NUL byte';
  if (p.startsWith('/')) return 'must be a relative path inside the workspace';
  if (p.endsWith('/')) return 'must name a file, not a directory (no trailing /)';
  const parts = p.split('/');
  if (parts.includes('..')) return 'must be a relative path inside the workspace';
  if (parts.some((s) => s === '' || s === '.')) return "must be a plain path: no empty or '.' parts";
  const long = parts.find((s) => Buffer.byteLength(s) > MAX_NAME_BYTES);
  if (long !== undefined) return `has a name of ${Buffer.byteLength(long)} bytes; expected names of at most ${MAX_NAME_BYTES}`;
  return undefined;
}

/** A workspace path as a field name, quoted and cut short: `fixture.workspace["a/b"]`. */
const pathField = (field: string, p: string) => `${field}[${JSON.stringify(p.length > 60 ? `${p.slice(0, 60)}…` : p)}]`;

/** Checks a workspace's paths: each one valid, and no file also used as a folder of another (`a` beside `a/b`). */
function checkWorkspacePaths(paths: string[], field: string, fail: (f: string, e: string) => never): void {
  for (const p of paths) {
    const problem = workspacePathProblem(p);
    if (problem) fail(pathField(field, p), problem);
  }
  const files = new Set(paths);
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (files.has(dir)) fail(pathField(field, dir), `is a file, but '${p}' needs it to be a folder: expected one or the other`);
    }
  }
}

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
  for (const [p, c] of Object.entries(workspace)) if (typeof c !== 'string') fail(`fixture.workspace.${p}`, 'must be the file content as a string');
  checkWorkspacePaths(Object.keys(workspace), 'fixture.workspace', fail);
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
  const effectTools = new Map<string, Set<string>>(); // effect id → the tools of the calls that name it
  cassetteCalls(cassette).forEach((c) => {
    if (!c.effect) return;
    effectIds.add(c.effect);
    effectTools.set(c.effect, (effectTools.get(c.effect) ?? new Set()).add(c.tool));
  });

  if (s.expectFrom !== undefined && s.expectFrom !== 'calm-run') fail('expectFrom', "must be 'calm-run' when present");
  const fromCalm = s.expectFrom === 'calm-run' || s.expect === undefined;
  if (s.calmRun !== undefined) str(s.calmRun, 'calmRun');
  const expect = obj(s.expect ?? { effects: [] }, 'expect');
  const effectList = (list: unknown, field: string): ExpectedEffect[] => {
    if (!Array.isArray(list)) fail(field, 'must be an array of {id, type, count?}');
    const out = (list as unknown[]).map((e, i) => {
      const f = `${field}[${i}]`;
      const o = obj(e, f);
      const id = str(o.id, `${f}.id`);
      const type = str(o.type, `${f}.type`);
      if (!isEffectTool(type)) fail(`${f}.type`, `must be an effect tool (got '${type}')`);
      if (!fromCalm && !effectIds.has(id)) fail(`${f}.id`, `must name an effect of a cassette call (no call has effect '${id}')`);
      const tools = [...(effectTools.get(id) ?? [])];
      if (tools.some((t) => t !== type))
        fail(`${f}.type`, `must be the tool of the calls with effect '${id}': expected '${tools.join("' or '")}' (got '${type}')`);
      if (o.count !== undefined && (!Number.isInteger(o.count) || (o.count as number) < 0)) fail(`${f}.count`, 'must be a whole number ≥ 0');
      return { id, type, ...(o.count !== undefined ? { count: o.count as number } : {}) };
    });
    const seen = new Set<string>();
    out.forEach((e, i) => {
      if (seen.has(e.id)) fail(`${field}[${i}].id`, `must be unique: '${e.id}' is expected twice (use count for an effect applied more than once)`);
      seen.add(e.id);
    });
    return out;
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
    for (const p of Object.keys(ws)) {
      const problem = workspacePathProblem(p);
      if (problem) fail(pathField('expect.workspace', p), problem);
    }
  }
  if (expect.answer !== undefined) str(expect.answer, 'expect.answer');
  let human: Scenario['human'];
  if (s.human !== undefined) {
    const h = obj(s.human, 'human');
    if (h.decision !== 'approve' && h.decision !== 'reject') fail('human.decision', "must be 'approve' or 'reject'");
    if (h.delayMs !== undefined && (!Number.isInteger(h.delayMs) || (h.delayMs as number) < 0 || (h.delayMs as number) > MAX_DELAY_MS))
      fail('human.delayMs', `must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS} (the longest a timer can wait)`);
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
    checkTemplates(args, `${f}.args`, resultsBefore, fail);
    return { tool, args, ...(call.effect !== undefined ? { effect: str(call.effect, `${f}.effect`) } : {}) };
  });
  return { ...(o.say !== undefined ? { say: str(o.say, `${field}.say`) } : {}), calls, ...(usage ? { usage } : {}) };
}

function validateUsage(u: Record<string, unknown>, field: string, fail: (f: string, e: string) => never) {
  for (const k of ['promptTokens', 'completionTokens'])
    if (!Number.isInteger(u[k]) || (u[k] as number) < 0) fail(`${field}.${k}`, 'must be a whole number ≥ 0');
  return { promptTokens: u.promptTokens as number, completionTokens: u.completionTokens as number };
}

/** Every `{{result:N…}}` in a call's arguments must name a tool result an earlier turn can produce (the calls of one turn run together). */
function checkTemplates(args: unknown, field: string, resultsBefore: number, fail: (f: string, e: string) => never): void {
  const stack: [unknown, string][] = [[args, field]];
  while (stack.length) {
    const [v, f] = stack.pop()!;
    if (typeof v === 'string') {
      const n = templateResults(v).find((k) => k >= resultsBefore);
      if (n !== undefined)
        fail(
          f,
          `names {{result:${n}…}}, a tool result no earlier turn produces: expected N below ${resultsBefore} (the tool results before this turn, from 0)`,
        );
    } else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${f}[${i}]`]));
    else if (isRecord(v)) for (const [k, x] of Object.entries(v)) stack.push([x, `${f}.${k}`]);
  }
}
