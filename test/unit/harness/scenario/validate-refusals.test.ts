// Malformed scenario files that used to be accepted (and showed up later as INVALID verdicts or silent no-ops) are
// refused up front: an InputError (exit 2, ORD-201) naming the file, the field and what was expected. What ordeal
// itself writes (record, the calm run's scenario.json) and every shipped scenario still loads.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../../../../harness/errors.js';
import { withCalmExpectation } from '../../../../harness/run/calm.js';
import { SCENARIO_FIELDS, WORLD_BODY_LIMIT } from '../../../../harness/scenario/validate.js';
import { validateScenario } from '../../../../harness/scenario/index.js';
import { hasTemplate, templateResults } from '../../../../harness/world/templates.js';
import { root } from '../../../helpers/cli.js';

type Json = Record<string, any>;

/** A small valid scenario: read an order, refund it, answer. */
const base = (): Json => ({
  name: 'refusals',
  description: 'x',
  task: 'Refund order 1',
  fixture: { resources: { 'order/1': { amount: 10 } }, workspace: { 'notes.txt': 'hi\n' } },
  cassette: [
    { say: 'Looking.', calls: [{ tool: 'read_resource', args: { id: 'order/1' } }] },
    { calls: [{ tool: 'refund', args: { order: '1', amount: '{{result:0.value.amount}}' }, effect: 'refund:1' }] },
    { final: 'Refunded.' },
  ],
  expect: { effects: [{ id: 'refund:1', type: 'refund' }], answer: 'Refunded' },
});

const edited = (edit: (s: Json) => void): Json => {
  const s = base();
  edit(s);
  return s;
};

/** The refusal of `raw`: an InputError of exit 2 and ORD-201 naming the file; its message. */
function refusal(raw: unknown): string {
  try {
    validateScenario(raw, 'my.json');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(ExitCode.usage);
    expect((e as InputError).code).toBe('ORD-201');
    expect((e as Error).message).toMatch(/^my\.json: field '/);
    return (e as Error).message;
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario validation: refusals', () => {
  it('accepts the base scenario', () => {
    expect(validateScenario(base(), 'my.json').cassette).toHaveLength(3);
  });

  it('1. refuses a tool call whose args are missing or null; noop may leave them out', () => {
    expect(refusal(edited((s) => delete s.cassette[1].calls[0].args))).toContain(
      "my.json: field 'cassette[1].calls[0].args' must be the refund call's arguments as an object (it is missing; only a noop call, which takes none, may leave args out)",
    );
    expect(refusal(edited((s) => (s.cassette[0].calls[0].args = null)))).toContain(
      "field 'cassette[0].calls[0].args' must be the read_resource call's arguments as an object (got null)",
    );
    expect(refusal(edited((s) => s.cassette[0].calls.push({ tool: 'noop', args: null })))).toContain(
      "field 'cassette[0].calls[1].args' must be the noop call's arguments as an object (got null); a noop call may leave args out",
    );
    expect(refusal(edited((s) => (s.cassette[0].calls[0].args = [1])))).toContain("field 'cassette[0].calls[0].args' must be an object");
    const noop = validateScenario(
      edited((s) => s.cassette[0].calls.push({ tool: 'noop' })),
      'my.json',
    );
    expect(noop.cassette[0]).toMatchObject({ calls: [{ tool: 'read_resource' }, { tool: 'noop', args: {} }] });
  });

  it('1b. refuses a request_approval call without a text summary or with a payload that is not an object', () => {
    const ask = (args: Json) => edited((s) => s.cassette.splice(1, 0, { calls: [{ tool: 'request_approval', args }] }));
    expect(validateScenario(ask({ summary: 'Refund?', payload: { order: '1' } }), 'my.json').cassette).toHaveLength(4);
    expect(validateScenario(ask({ summary: 'Refund?' }), 'my.json').cassette).toHaveLength(4);
    expect(validateScenario(ask({ summary: 'Refund?', payload: '{{result:0.value}}' }), 'my.json').cassette).toHaveLength(4);
    expect(refusal(ask({ payload: { order: '1' } }))).toContain(
      "field 'cassette[1].calls[0].args.summary' must be the text the human is asked to approve (a string)",
    );
    for (const payload of ['all', 3, null, [1]])
      expect(refusal(ask({ summary: 'Refund?', payload }))).toContain(
        "field 'cassette[1].calls[0].args.payload' must be an object (the values the human sees and may edit), or a {{result:N.path}} template giving one, when present",
      );
  });

  it('2. refuses a turn with both final and calls', () => {
    expect(refusal(edited((s) => (s.cassette[1].final = 'done')))).toContain(
      'field \'cassette[1]\' has both "final" and "calls": expected one of them',
    );
    expect(refusal(edited((s) => (s.cassette[2].calls = [{ tool: 'noop' }])))).toContain('field \'cassette[2]\' has both "final" and "calls"');
  });

  it('3. refuses a malformed template in args, say and final; leaves other {{…}} text alone', () => {
    expect(refusal(edited((s) => (s.cassette[1].calls[0].args.amount = '{{result:abc}}')))).toContain(
      "field 'cassette[1].calls[0].args.amount' holds '{{result:abc}}', which is not a template: expected {{result:N}} or {{result:N.path}}",
    );
    expect(refusal(edited((s) => (s.cassette[1].calls[0].args.note = 'refund of {{result}}')))).toContain(
      "field 'cassette[1].calls[0].args.note' holds '{{result}}', which is not a template",
    );
    expect(refusal(edited((s) => (s.cassette[1].calls[0].args.tags = ['{{ results:0 }}'])))).toContain(
      "field 'cassette[1].calls[0].args.tags[0]' holds '{{ results:0 }}'",
    );
    expect(refusal(edited((s) => (s.cassette[2].final = 'Refunded {{result:x}}')))).toContain("field 'cassette[2].final' holds '{{result:x}}'");
    expect(refusal(edited((s) => (s.cassette[1].say = 'Paying {{Result:0.value.amount}}')))).toContain(
      "field 'cassette[1].say' holds '{{Result:0.value.amount}}'",
    );
    // the range check now covers say and final too, whatever string was looked at before (a global regex keeps state)
    expect(hasTemplate('a long text that ends in a template {{result:0}}')).toBe(true);
    expect(templateResults('{{result:7.x}}')).toEqual([7]);
    expect(refusal(edited((s) => (s.cassette[2].final = 'Refunded {{result:7.x}}')))).toContain(
      "field 'cassette[2].final' names {{result:7…}}, a tool result no earlier turn produces: expected N below 2",
    );
    // well-formed templates, and text that is not a template (a workflow expression, a Jinja placeholder), are kept
    const ok = validateScenario(
      edited((s) => {
        s.cassette[1].calls[0].args.note = 'refund of {{ result:0.value.amount }} for ${{ github.sha }}, {{ name }}, {{0}} and {{resultant}}';
        s.cassette[2].final = 'Refunded {{result:0}}';
      }),
      'my.json',
    );
    expect(ok.cassette[2]).toEqual({ final: 'Refunded {{result:0}}' });
  });

  it('4. refuses expect: null and fixture: null (and null resources or workspace), saying to leave them out', () => {
    expect(refusal(edited((s) => (s.expect = null)))).toContain(
      "field 'expect' must be an object {effects, workspace?, answer?, onReject?} (got null): leave expect out to judge the faulted cases against the calm (fault-free) run",
    );
    expect(refusal(edited((s) => (s.fixture = null)))).toContain(
      "field 'fixture' must be an object {resources?, workspace?} (got null): leave fixture out for a world with no resources and no files",
    );
    expect(refusal(edited((s) => (s.fixture.resources = null)))).toContain(
      "field 'fixture.resources' must be an object of resources by id (got null)",
    );
    expect(refusal(edited((s) => (s.fixture.workspace = null)))).toContain(
      "field 'fixture.workspace' must be an object of file contents by path (got null)",
    );
    // left out, both are still fine
    const s = validateScenario(
      edited((x) => {
        delete x.expect;
        delete x.fixture;
      }),
      'my.json',
    );
    expect(s).toMatchObject({ expectFrom: 'calm-run', fixture: { resources: {}, workspace: {} } });
  });

  it.each([[1e300], [1.5], [0], [-1], ['2'], [Number.MAX_SAFE_INTEGER + 1]])('5. refuses expect.effects[k].count %s', (count) => {
    expect(refusal(edited((s) => (s.expect.effects[0].count = count)))).toContain(
      `field 'expect.effects[0].count' must be a whole number from 1 to 9007199254740991, how many times the effect is applied (got ${JSON.stringify(count)})`,
    );
  });

  it('5. accepts a count from 1 up', () => {
    expect(
      validateScenario(
        edited((s) => (s.expect.effects[0].count = 2)),
        'my.json',
      ).expect.effects[0],
    ).toEqual({ id: 'refund:1', type: 'refund', count: 2 });
  });

  it('6. refuses a final turn before the end, naming it; a final inside one branch is fine', () => {
    expect(refusal(edited((s) => s.cassette.splice(1, 0, { final: 'early' })))).toContain(
      "field 'cassette[1]' is the final answer, so the conversation ends there and cassette[2] to cassette[3] are never answered: expected the final answer only in the last turn",
    );
    const allFinal = { when: { result: '0.value.amount', equals: 10 }, then: { final: 'a' }, else: { final: 'b' } };
    expect(refusal(edited((s) => s.cassette.splice(1, 0, allFinal)))).toContain(
      "field 'cassette[1]' is the final answer on every branch, so the conversation ends there",
    );
    const oneFinal = { when: { result: '0.value.amount', equals: 10 }, then: { final: 'too much' }, else: { calls: [{ tool: 'noop' }] } };
    expect(
      validateScenario(
        edited((s) => s.cassette.splice(1, 0, oneFinal)),
        'my.json',
      ).cassette,
    ).toHaveLength(4);
  });

  it("7. refuses a task, system prompt or conversation larger than the world's request body limit", () => {
    expect(WORLD_BODY_LIMIT).toBe(1024 * 1024);
    const big = 'x'.repeat(WORLD_BODY_LIMIT);
    expect(refusal(edited((s) => (s.task = big)))).toContain(
      "field 'task' is 1048578 bytes as JSON: expected at most 1048576 bytes (1 MiB), the world's request body limit (it answers 413 above it); every model call carries the task",
    );
    expect(refusal(edited((s) => (s.system = big)))).toContain("field 'system' is 1048578 bytes as JSON");
    const half = 'x'.repeat(WORLD_BODY_LIMIT / 2);
    expect(refusal(edited((s) => ((s.task = half), (s.system = half))))).toContain("field 'task' and 'system' are 1048580 bytes together");
    // each call's arguments are sent again with every later model call (as a JSON string: quotes escaped)
    expect(refusal(edited((s) => (s.cassette[1].calls[0].args.note = '"'.repeat(WORLD_BODY_LIMIT / 2))))).toMatch(
      /field 'cassette\[1\]\.calls\[0\]\.args' brings the conversation to at least \d+ bytes as JSON: expected at most 1048576 bytes \(1 MiB\)/,
    );
    // the last turn's answer is not sent back, and a template counts as the least it can become
    expect(() =>
      validateScenario(
        edited((s) => (s.cassette[2].final = 'x'.repeat(WORLD_BODY_LIMIT))),
        'my.json',
      ),
    ).not.toThrow();
    expect(() =>
      validateScenario(
        edited((s) => (s.task = 'x'.repeat(WORLD_BODY_LIMIT - 100))),
        'my.json',
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'top level',
      (s: Json) => (s.expcet = s.expect),
      "field 'expcet' is not a field of a scenario: expected one of name, description, task, system, fixture, cassette, expect, human, expectFrom, calmRun (did you mean 'expect'?)",
    ],
    [
      'fixture',
      (s: Json) => (s.fixture.resource = {}),
      "field 'fixture.resource' is not a field of the fixture: expected one of resources, workspace (did you mean 'resources'?)",
    ],
    [
      'a turn with calls',
      (s: Json) => (s.cassette[0].usgae = {}),
      "field 'cassette[0].usgae' is not a field of a turn with tool calls: expected one of calls, say, usage (did you mean 'usage'?)",
    ],
    ['a final turn', (s: Json) => (s.cassette[2].say = 'hi'), "field 'cassette[2].say' is not a field of a final turn: expected one of final, usage"],
    [
      'a turn of neither kind',
      (s: Json) => (s.cassette[2] = { finale: 'x' }),
      "field 'cassette[2].finale' is not a field of a turn: expected one of calls, say, final, usage, when, then, else (did you mean 'final'?)",
    ],
    [
      'usage',
      (s: Json) => (s.cassette[2].usage = { promptTokens: 1, completionTokens: 1, total: 2 }),
      "field 'cassette[2].usage.total' is not a field of usage: expected one of promptTokens, completionTokens",
    ],
    [
      'a call',
      (s: Json) => (s.cassette[1].calls[0].efect = 'x'),
      "field 'cassette[1].calls[0].efect' is not a field of a tool call: expected one of tool, args, effect (did you mean 'effect'?)",
    ],
    [
      'a branch',
      (s: Json) => (s.cassette[1] = { when: { result: '0', equals: 1 }, then: s.cassette[1], else: s.cassette[1], calls: [] }),
      "field 'cassette[1].calls' is not a field of a branch turn: expected one of when, then, else",
    ],
    [
      'a branch condition',
      (s: Json) => (s.cassette[1] = { when: { result: '0', equal: 1 }, then: s.cassette[1], else: s.cassette[1] }),
      "field 'cassette[1].when.equal' is not a field of a branch condition: expected one of result, equals (did you mean 'equals'?)",
    ],
    [
      'expect',
      (s: Json) => (s.expect.answers = 'x'),
      "field 'expect.answers' is not a field of expect: expected one of effects, workspace, answer, onReject (did you mean 'answer'?)",
    ],
    [
      'expect.onReject',
      (s: Json) => (s.expect.onReject = { effects: [], anwser: 'x' }),
      "field 'expect.onReject.anwser' is not a field of expect.onReject: expected one of effects, answer (did you mean 'answer'?)",
    ],
    [
      'an expected effect',
      (s: Json) => (s.expect.effects[0].times = 2),
      "field 'expect.effects[0].times' is not a field of an expected effect: expected one of id, type, count",
    ],
    [
      'human',
      (s: Json) => (s.human = { decision: 'approve', delay: 5 }),
      "field 'human.delay' is not a field of human: expected one of decision, delayMs",
    ],
    ['a key that is no plain name', (s: Json) => (s['my field'] = 1), 'field \'["my field"]\' is not a field of a scenario'],
  ])('8. refuses an unknown field in %s, naming it and the accepted ones', (_where, edit, message) => {
    expect(refusal(edited(edit))).toContain(message);
  });

  it('8. accepts $schema at the top, and free keys where they are data (resources, files, arguments, expected files)', () => {
    const s = validateScenario(
      edited((x) => {
        x.$schema = './scenario.schema.json';
        x.fixture.resources['any id'] = { anything: 1 };
        x.cassette[1].calls[0].args.whatever = { nested: true };
        x.expect.workspace = { 'notes.txt': null };
      }),
      'my.json',
    );
    expect(s).not.toHaveProperty('$schema');
  });
});

describe('scenario validation: what ordeal ships and writes still loads', () => {
  const shipped = [
    ...readdirSync(join(root, 'scenarios')).map((f) => join('scenarios', f)),
    ...readdirSync(join(root, 'adapters'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => {
        try {
          return readdirSync(join(root, 'adapters', d.name, 'scenarios')).map((f) => join('adapters', d.name, 'scenarios', f));
        } catch {
          return [];
        }
      }),
    ...readdirSync(join(root, 'test/fixtures')).map((f) => join('test/fixtures', f)),
  ].filter((f) => f.endsWith('.json'));

  it.each(shipped)('%s', (file) => {
    const s = validateScenario(JSON.parse(readFileSync(join(root, file), 'utf8')), file);
    // what openCaseFolder writes into a run folder (the scenario without its file) loads back for replay
    const { file: _file, ...written } = s;
    expect(validateScenario(JSON.parse(JSON.stringify(written)), 'scenario.json')).toEqual({ ...s, file: 'scenario.json' });
  });

  it("a calm run's scenario.json (expectFrom, calmRun, the derived expectation) loads back", () => {
    const s = validateScenario(
      edited((x) => delete x.expect),
      'my.json',
    );
    const { file: _file, ...data } = withCalmExpectation(s, '/runs/calm-1', {
      effects: [{ id: 'refund:1', type: 'refund', count: 2 }],
      workspace: { 'notes.txt': 'hi\n', 'gone.txt': null },
      answer: 'Refunded.',
    });
    const back = validateScenario(JSON.parse(JSON.stringify(data)), 'scenario.json');
    expect(back).toMatchObject({ expectFrom: 'calm-run', calmRun: '/runs/calm-1', expect: { effects: [{ count: 2 }] } });
  });

  it('a recorded scenario (say, usage, counts, system, human) loads', () => {
    const recorded = edited((x) => {
      x.system = 'You are careful.';
      x.human = { decision: 'approve', delayMs: 10 };
      x.cassette[0].usage = { promptTokens: 10, completionTokens: 3 };
      x.cassette[2].usage = { promptTokens: 20, completionTokens: 2 };
      x.expect.effects[0].count = 2;
      x.expect.workspace = { 'notes.txt': 'bye\n' };
    });
    expect(validateScenario(recorded, 'recorded.json').system).toBe('You are careful.');
  });

  it('names every field of the Scenario type it accepts', () => {
    expect(SCENARIO_FIELDS.scenario).toEqual([
      'name',
      'description',
      'task',
      'system',
      'fixture',
      'cassette',
      'expect',
      'human',
      'expectFrom',
      'calmRun',
    ]);
  });
});
