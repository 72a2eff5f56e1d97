import { InputError } from '../errors.js';
import { isRecord } from '../json.js';
import { TOOLS, isEffectTool, type ExpectedEffect, type Scenario, type Turn } from './types.js';
import { cassetteCalls, isBranch, leafTurns, maxCalls } from './turns.js';
import { hasTemplate, malformedTemplate, templateResults } from '../world/templates.js';
import { DEFAULT_BODY_LIMIT } from '../world/protocol.js';
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

/**
 * The fields each object of a scenario may have. Anything else is refused, naming it: a typo such as `expcet` would
 * otherwise be ignored, and a scenario without `expect` is judged against its calm run instead. `expectFrom` and `calmRun`
 * are written by the calm-run logic into a case's scenario.json (which replay reads back); `$schema` is also accepted at
 * the top, for editors.
 */
export const SCENARIO_FIELDS = {
  scenario: ['name', 'description', 'task', 'system', 'fixture', 'cassette', 'expect', 'human', 'expectFrom', 'calmRun'],
  fixture: ['resources', 'workspace'],
  turn: ['calls', 'say', 'final', 'usage', 'when', 'then', 'else'],
  callsTurn: ['calls', 'say', 'usage'],
  finalTurn: ['final', 'usage'],
  branchTurn: ['when', 'then', 'else'],
  when: ['result', 'equals'],
  usage: ['promptTokens', 'completionTokens'],
  call: ['tool', 'args', 'effect'],
  expect: ['effects', 'workspace', 'answer', 'onReject'],
  onReject: ['effects', 'answer'],
  effect: ['id', 'type', 'count'],
  human: ['decision', 'delayMs'],
} as const;

/** Accepted beside the scenario's fields at the top and never listed: a JSON schema reference for editors. */
const IGNORED_TOP = ['$schema'];

/** The most bytes the world reads of one request body: it answers 413 above it, and every model call carries the conversation. */
export const WORLD_BODY_LIMIT = DEFAULT_BODY_LIMIT;

type Fail = (f: string, e: string) => never;

/** `parent.key`, or `parent["odd key"]` for a key that is not a plain name. */
const sub = (parent: string, key: string): string => {
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
  const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
  if (parent === '') return plain ? key : `[${JSON.stringify(shown)}]`;
  return plain ? `${parent}.${key}` : `${parent}[${JSON.stringify(shown)}]`;
};

/** How many single-character edits (an insertion, a deletion, a change, two neighbours swapped) turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/** ` (did you mean 'expect'?)` when `key` is a near miss of one accepted field, else ''. */
function didYouMean(key: string, accepted: readonly string[]): string {
  if (key.length > 40) return ''; // no field is that long: not a typo of one
  const k = key.toLowerCase();
  const near = accepted.filter((a) => editDistance(a.toLowerCase(), k) <= Math.min(2, Math.max(1, Math.floor(a.length / 3))));
  return near.length === 1 ? ` (did you mean '${near[0]}'?)` : '';
}

/** Refuses a field of `o` that is not among `accepted`, naming its path, what `o` is and the fields it may have. */
function knownFields(o: Record<string, unknown>, field: string, what: string, accepted: readonly string[], fail: Fail, ignored: string[] = []): void {
  for (const k of Object.keys(o))
    if (!accepted.includes(k) && !ignored.includes(k))
      fail(sub(field, k), `is not a field of ${what}: expected one of ${accepted.join(', ')}${didYouMean(k, accepted)}`);
}

/** Checks an untrusted JSON value against the scenario format; every error names the file and field. */
export function validateScenario(raw: unknown, file: string): Scenario {
  const fail = (field: string, expected: string): never => {
    throw new InputError(`${file}: field '${field}' ${expected}`, 'ORD-201');
  };
  const obj = (v: unknown, field: string): Record<string, unknown> => (isRecord(v) ? v : fail(field, 'must be an object'));
  const str = (v: unknown, field: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(field, 'must be a non-empty string'));
  /** An object that may be left out (then `{}`), but not given as null. */
  const optObj = (v: unknown, field: string, form: string, leaveOut: string): Record<string, unknown> =>
    v === undefined ? {} : v === null ? fail(field, `must be ${form} (got null): ${leaveOut}`) : obj(v, field);

  const s = obj(raw, '(root)');
  knownFields(s, '', 'a scenario', SCENARIO_FIELDS.scenario, fail, IGNORED_TOP);
  const name = str(s.name, 'name');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) fail('name', 'must be kebab-case (a-z, 0-9, -)');
  const fixture = optObj(s.fixture, 'fixture', 'an object {resources?, workspace?}', 'leave fixture out for a world with no resources and no files');
  knownFields(fixture, 'fixture', 'the fixture', SCENARIO_FIELDS.fixture, fail);
  const resources = optObj(fixture.resources, 'fixture.resources', 'an object of resources by id', 'leave it out for none');
  const workspace = optObj(fixture.workspace, 'fixture.workspace', 'an object of file contents by path', 'leave it out for none');
  for (const [p, c] of Object.entries(workspace)) if (typeof c !== 'string') fail(`fixture.workspace.${p}`, 'must be the file content as a string');
  checkWorkspacePaths(Object.keys(workspace), 'fixture.workspace', fail);
  if (!Array.isArray(s.cassette) || s.cassette.length === 0) fail('cassette', 'must be a non-empty array of turns');
  const cassette: Turn[] = [];
  const turns = s.cassette as unknown[];
  let resultsBefore = 0; // the most tool results a conversation can hold when it reaches this turn
  turns.forEach((t, i) => {
    const turn = validateTurn(t, `cassette[${i}]`, resultsBefore, fail, obj, str);
    // the conversation ends at a final answer: a turn final on every branch before the last leaves the rest unreachable
    if (i < turns.length - 1 && leafTurns(turn).every((l) => 'final' in l))
      fail(
        `cassette[${i}]`,
        `is the final answer${isBranch(turn) ? ' on every branch' : ''}, so the conversation ends there and ${turns.length - 1 - i === 1 ? `cassette[${i + 1}] is` : `cassette[${i + 1}] to cassette[${turns.length - 1}] are`} never answered: expected the final answer only in the last turn (remove the turns after it, or make this one ask for tool calls)`,
      );
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
  const expect =
    s.expect === undefined
      ? { effects: [] }
      : optObj(
          s.expect,
          'expect',
          'an object {effects, workspace?, answer?, onReject?}',
          'leave expect out to judge the faulted cases against the calm (fault-free) run',
        );
  knownFields(expect, 'expect', 'expect', SCENARIO_FIELDS.expect, fail);
  const effectList = (list: unknown, field: string): ExpectedEffect[] => {
    if (!Array.isArray(list)) fail(field, 'must be an array of {id, type, count?}');
    const out = (list as unknown[]).map((e, i) => {
      const f = `${field}[${i}]`;
      const o = obj(e, f);
      knownFields(o, f, 'an expected effect', SCENARIO_FIELDS.effect, fail);
      const id = str(o.id, `${f}.id`);
      const type = str(o.type, `${f}.type`);
      if (!isEffectTool(type)) fail(`${f}.type`, `must be an effect tool (got '${type}')`);
      if (!fromCalm && !effectIds.has(id)) fail(`${f}.id`, `must name an effect of a cassette call (no call has effect '${id}')`);
      const tools = [...(effectTools.get(id) ?? [])];
      if (tools.some((t) => t !== type))
        fail(`${f}.type`, `must be the tool of the calls with effect '${id}': expected '${tools.join("' or '")}' (got '${type}')`);
      if (o.count !== undefined && !(Number.isSafeInteger(o.count) && (o.count as number) >= 1))
        fail(
          `${f}.count`,
          `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, how many times the effect is applied (got ${JSON.stringify(o.count)}): leave count out for once, and the effect out of the list when it must never be applied`,
        );
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
    knownFields(r, 'expect.onReject', 'expect.onReject', SCENARIO_FIELDS.onReject, fail);
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
    knownFields(h, 'human', 'human', SCENARIO_FIELDS.human, fail);
    if (h.decision !== 'approve' && h.decision !== 'reject') fail('human.decision', "must be 'approve' or 'reject'");
    if (h.delayMs !== undefined && (!Number.isInteger(h.delayMs) || (h.delayMs as number) < 0 || (h.delayMs as number) > MAX_DELAY_MS))
      fail('human.delayMs', `must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS} (the longest a timer can wait)`);
    human = { decision: h.decision as 'approve' | 'reject', ...(h.delayMs !== undefined ? { delayMs: h.delayMs as number } : {}) };
  }
  const description = str(s.description, 'description');
  const task = str(s.task, 'task');
  const system = s.system !== undefined ? str(s.system, 'system') : undefined;
  checkBodyLimit(task, system, cassette, fail);
  return {
    name,
    description,
    task,
    ...(system !== undefined ? { system } : {}),
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
  fail: Fail,
  obj: (v: unknown, f: string) => Record<string, unknown>,
  str: (v: unknown, f: string) => string,
): Turn {
  const o = obj(t, field);
  if ('when' in o || 'then' in o || 'else' in o) {
    knownFields(o, field, 'a branch turn', SCENARIO_FIELDS.branchTurn, fail);
    const when = obj(o.when, `${field}.when`);
    knownFields(when, `${field}.when`, 'a branch condition', SCENARIO_FIELDS.when, fail);
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
  if ('final' in o && 'calls' in o)
    fail(
      field,
      'has both "final" and "calls": expected one of them (a turn either asks for tool calls or gives the final answer; put the final answer in a turn of its own after the calls)',
    );
  if ('final' in o) knownFields(o, field, 'a final turn', SCENARIO_FIELDS.finalTurn, fail);
  else if ('calls' in o) knownFields(o, field, 'a turn with tool calls', SCENARIO_FIELDS.callsTurn, fail);
  else knownFields(o, field, 'a turn', SCENARIO_FIELDS.turn, fail);
  const usage = o.usage === undefined ? undefined : validateUsage(obj(o.usage, `${field}.usage`), `${field}.usage`, fail);
  if ('final' in o) {
    const final = str(o.final, `${field}.final`);
    checkTemplates(final, `${field}.final`, resultsBefore, fail);
    return { final, ...(usage ? { usage } : {}) };
  }
  if (!Array.isArray(o.calls) || o.calls.length === 0)
    fail(field, 'must have "calls" (a non-empty array of tool calls), "final" (the answer) or "when"/"then"/"else" (a branch)');
  const calls = (o.calls as unknown[]).map((c, j) => {
    const f = `${field}.calls[${j}]`;
    const call = obj(c, f);
    knownFields(call, f, 'a tool call', SCENARIO_FIELDS.call, fail);
    const tool = str(call.tool, `${f}.tool`);
    if (!(TOOLS as readonly string[]).includes(tool)) fail(`${f}.tool`, `must be one of ${TOOLS.join(', ')} (got '${tool}')`);
    // every tool but noop takes arguments (harness/agent/tools.ts toolSchemas); noop takes none and may leave them out
    if (call.args === undefined && tool !== 'noop')
      fail(`${f}.args`, `must be the ${tool} call's arguments as an object (it is missing; only a noop call, which takes none, may leave args out)`);
    if (call.args === null)
      fail(`${f}.args`, `must be the ${tool} call's arguments as an object (got null)${tool === 'noop' ? '; a noop call may leave args out' : ''}`);
    const args = obj(call.args ?? {}, `${f}.args`);
    if (isEffectTool(tool) && call.effect === undefined) fail(`${f}.effect`, `must name the logical effect of this ${tool} call`);
    // the world's approval inbox takes {summary, payload?} with an object payload (the fields a human may edit)
    if (tool === 'request_approval') {
      if (typeof args.summary !== 'string') fail(`${f}.args.summary`, 'must be the text the human is asked to approve (a string)');
      const payload = args.payload;
      // a template ({{result:N.path}}) gives it from a result as the run goes; the world refuses a non-object then
      const given = typeof payload === 'string' && hasTemplate(payload);
      if (payload !== undefined && !given && (payload === null || typeof payload !== 'object' || Array.isArray(payload)))
        fail(
          `${f}.args.payload`,
          'must be an object (the values the human sees and may edit), or a {{result:N.path}} template giving one, when present',
        );
    }
    checkTemplates(args, `${f}.args`, resultsBefore, fail);
    return { tool, args, ...(call.effect !== undefined ? { effect: str(call.effect, `${f}.effect`) } : {}) };
  });
  let say: string | undefined;
  if (o.say !== undefined) {
    say = str(o.say, `${field}.say`);
    checkTemplates(say, `${field}.say`, resultsBefore, fail);
  }
  return { ...(say !== undefined ? { say } : {}), calls, ...(usage ? { usage } : {}) };
}

function validateUsage(u: Record<string, unknown>, field: string, fail: Fail) {
  knownFields(u, field, 'usage', SCENARIO_FIELDS.usage, fail);
  for (const k of ['promptTokens', 'completionTokens'])
    if (!Number.isInteger(u[k]) || (u[k] as number) < 0) fail(`${field}.${k}`, 'must be a whole number ≥ 0');
  return { promptTokens: u.promptTokens as number, completionTokens: u.completionTokens as number };
}

/**
 * Every template of a call's arguments, its `say` and its `final` answer (what the world resolves) must be well formed
 * and name a tool result an earlier turn can produce (the calls of one turn run together).
 */
function checkTemplates(value: unknown, field: string, resultsBefore: number, fail: Fail): void {
  const stack: [unknown, string][] = [[value, field]];
  while (stack.length) {
    const [v, f] = stack.pop()!;
    if (typeof v === 'string') {
      const bad = malformedTemplate(v);
      if (bad !== undefined)
        fail(
          f,
          `holds '${bad}', which is not a template: expected {{result:N}} or {{result:N.path}} (N: the number of an earlier tool result, from 0; path: fields joined by dots); the world would send it as written`,
        );
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

/** `1048576 bytes (1 MiB)`. */
const limitText = (limit: number): string =>
  `${limit} bytes${limit % (1024 * 1024) === 0 ? ` (${limit / (1024 * 1024)} MiB)` : ''}, the world's request body limit (it answers 413 above it)`;

/** The value as the world may resolve it at the least: a string holding a template counts as empty. */
function withoutTemplates(x: unknown): unknown {
  if (typeof x === 'string') return hasTemplate(x) ? '' : x;
  if (Array.isArray(x)) return x.map(withoutTemplates);
  if (isRecord(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, withoutTemplates(y)]));
  return x;
}

/** The bytes of a value as JSON. */
const jsonBytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v) ?? '');

/**
 * Every model call sends the world the whole conversation: the system prompt, the task, and each answer of the model
 * so far (its `say` text, and each tool call's arguments as a JSON string, so encoded twice). The tool results are sent
 * too but cannot be known here, so this is a lower bound: a scenario over the world's body limit by it can never run.
 */
function checkBodyLimit(task: string, system: string | undefined, cassette: Turn[], fail: Fail, limit = WORLD_BODY_LIMIT): void {
  const over = `as JSON: expected at most ${limitText(limit)}`;
  const taskBytes = jsonBytes(task);
  if (taskBytes > limit) fail('task', `is ${taskBytes} bytes ${over}; every model call carries the task`);
  const systemBytes = system === undefined ? 0 : jsonBytes(system);
  if (systemBytes > limit) fail('system', `is ${systemBytes} bytes ${over}; every model call carries the system prompt`);
  let sent = taskBytes + systemBytes;
  if (sent > limit) fail('task', `and 'system' are ${sent} bytes together ${over}; every model call carries both`);
  const grows = (what: string) =>
    `brings the conversation to at least ${sent} bytes ${over}: the model call after this turn carries the system prompt, the task and every answer of the model so far (${what})`;
  // what one plain turn adds to the conversation: its text, and each call's arguments as a JSON string inside the JSON
  const parts = (l: Extract<Turn, { calls: unknown }>, i: number) => [
    ...(l.say !== undefined ? [{ field: `cassette[${i}].say`, bytes: jsonBytes(withoutTemplates(l.say)) }] : []),
    ...l.calls.map((c, j) => ({ field: `cassette[${i}].calls[${j}].args`, bytes: jsonBytes(JSON.stringify(withoutTemplates(c.args))) })),
  ];
  cassette.slice(0, -1).forEach((turn, i) => {
    if (!isBranch(turn)) {
      if (!('calls' in turn)) return;
      for (const p of parts(turn, i)) {
        sent += p.bytes;
        if (sent > limit) fail(p.field, grows('tool call arguments are sent as JSON text'));
      }
      return;
    }
    sent += Math.min(...leafTurns(turn).map((l) => ('calls' in l ? parts(l, i).reduce((n, p) => n + p.bytes, 0) : 0)));
    if (sent > limit) fail(`cassette[${i}]`, grows('counting the branch whose answer is the smallest'));
  });
}
