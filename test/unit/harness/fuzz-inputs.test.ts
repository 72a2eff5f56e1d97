/**
 * Fuzzing every input ordeal reads before a case starts: scenario files, fault specs and schedules, gate configs,
 * run.json, raw JSON files and command-line flag values. Whatever the input, the answer is the value or an OrdealError
 * with exit 2 and a message: never another exception (a stack trace for the user). The world's HTTP API has its own
 * fuzz suite (world/malformed.test.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrdealError } from '../../../harness/errors.js';
import { caseFlagSchema, checkFlags } from '../../../harness/cli/flags.js';
import { faults, parseFaultFlag, validateSchedule } from '../../../harness/faults/index.js';
import { validateGateConfig } from '../../../harness/gate/config.js';
import { parseJsonFile } from '../../../harness/scenario/load.js';
import { validateScenario } from '../../../harness/scenario/index.js';
import { validateRunInfo } from '../../../harness/store/run-info.js';

const root = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'ordeal-fuzz-'));
const json = (file: string): unknown => JSON.parse(readFileSync(join(root, file), 'utf8'));

/** Runs `f`; an error must be an OrdealError of exit 2 with a one-line message. */
function refusedCleanly(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof OrdealError)) throw new Error(`not an OrdealError: ${(e as Error)?.stack ?? String(e)}`, { cause: e });
    expect(e.exitCode).toBe(2);
    expect(e.message.length).toBeGreaterThan(10);
    expect(e.code).toMatch(/^ORD-\d{3}$/);
  }
}

/** A valid value with one place (chosen by `path`) replaced by `by`: near-misses reach deeper checks than random JSON. */
function mutate(value: unknown, path: number[], by: unknown): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return by;
  const keys = Object.keys(value);
  if (keys.length === 0) return by;
  const [i, ...rest] = path;
  const k = keys[i! % (keys.length + 1)];
  if (k === undefined) return Array.isArray(value) ? [...value, by] : { ...value, [`extra${i}`]: by };
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...(value as Record<string, unknown>) };
  copy[k] = mutate((value as Record<string, unknown>)[k], rest, by);
  return copy;
}

/** A mutation of `base`: the replacing value is random JSON, a string full of path and template tricks, or a big number. */
const near = (base: unknown) =>
  fc
    .tuple(
      fc.array(fc.nat({ max: 12 }), { maxLength: 7 }),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom('', '.', '..', 'a/', '/abs', 'a\u0000b', '{{result:99.x}}', 'x'.repeat(300), '\uFFFD', 'kill-worker'),
        fc.constantFrom(-1, 0, 2 ** 31, 99_999_999_999, 1.5, Number.MAX_SAFE_INTEGER),
      ),
    )
    .map(([path, by]) => mutate(base, path, by));

const scenarioNames = ['refund-agent', 'coding-agent', 'approval-drift-reread', 'flaky-shell'];

describe('fuzz: inputs are accepted or refused with exit 2 and a message, never a crash', () => {
  it('scenario files', () => {
    const bases = scenarioNames.map((n) => json(`scenarios/${n}.json`));
    fc.assert(
      fc.property(fc.constantFrom(...bases).chain(near), (s) => refusedCleanly(() => validateScenario(s, 'fuzz.json'))),
      { numRuns: 2000 },
    );
  });

  it('workspace paths: a scenario accepted can have its workspace written', () => {
    const base = json('scenarios/refund-agent.json') as { fixture: Record<string, unknown> };
    const part = fc.oneof(fc.constantFrom('a', 'b', '.', '..', '', 'x'.repeat(256), 'a\u0000b'), fc.string({ maxLength: 6 }));
    const path = fc.array(part, { minLength: 1, maxLength: 4 }).map((ps) => ps.join('/'));
    let n = 0;
    fc.assert(
      fc.property(fc.dictionary(path, fc.string({ maxLength: 5 }), { maxKeys: 4 }), (workspace) => {
        let s: ReturnType<typeof validateScenario>;
        try {
          s = validateScenario({ ...base, fixture: { ...base.fixture, workspace } }, 'fuzz.json');
        } catch (e) {
          if (!(e instanceof OrdealError) || e.exitCode !== 2) throw e;
          return;
        }
        // what openCaseFolder does with it
        const ws = join(dir, `ws-${n++}`);
        for (const [p, content] of Object.entries(s.fixture.workspace)) {
          mkdirSync(dirname(join(ws, p)), { recursive: true });
          writeFileSync(join(ws, p), content);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('fault flags', () => {
    const names = Object.keys(faults);
    const trigger = fc.oneof(
      fc.constantFrom('after-effect:1', 'before-effect:2', 'llm-call:1', 'step:3', 'shell:1', 'approval:waiting', 't+500ms', 't+99999999999ms'),
      fc.string({ maxLength: 20 }),
    );
    const param = fc.tuple(
      fc.oneof(
        fc.constantFrom('ms', 'restartAfterMs', 'target', 'resource', 'field', 'value', 'status', 'times', 'count'),
        fc.string({ maxLength: 8 }),
      ),
      fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String), fc.constantFrom('-5', '99999999999', 'world', 'engine', '1.5')),
    );
    const flag = fc
      .tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 10 })), trigger, fc.array(param, { maxLength: 3 }))
      .map(([f, t, ps]) => [`${f}@${t}`, ...ps.map(([k, v]) => `${k}=${v}`)].join(','));
    fc.assert(
      fc.property(fc.oneof(flag, fc.string({ maxLength: 40 })), (text) => refusedCleanly(() => parseFaultFlag(text))),
      { numRuns: 3000 },
    );
  });

  it('schedule files', () => {
    const base = [
      { fault: 'kill-worker', at: 'after-effect:1', restartAfterMs: 100 },
      { fault: 'human-late', at: 'approval:waiting', ms: 10 },
    ];
    fc.assert(
      fc.property(fc.oneof(near(base), fc.jsonValue({ maxDepth: 4 })), (s) => refusedCleanly(() => validateSchedule(s, 'schedule.json'))),
      // once found by a random run: a fault name that is an object whose toString is not a function
      { numRuns: 2000, examples: [[[{ fault: { toString: '' }, at: 'after-effect:1' }]]] },
    );
  });

  it('gate configs', () => {
    const base = json('ordeal.config.json');
    const file = join(dir, 'ordeal.config.json');
    fc.assert(
      fc.property(fc.oneof(near(base), fc.jsonValue({ maxDepth: 3 })), (c) => refusedCleanly(() => validateGateConfig(c, file))),
      { numRuns: 1000 },
    );
  });

  it('run.json of a run folder', () => {
    const base = {
      id: '20260101T000000Z-refund-agent-reference-ab12cd',
      adapter: 'reference',
      scenario: 'refund-agent',
      schedule: [{ fault: 'kill-worker', at: 'after-effect:1' }],
      seed: 7,
      idempotency: 'framework',
      options: {},
      versions: { ordeal: '0.1.0' },
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
    };
    fc.assert(
      fc.property(fc.oneof(near(base), fc.jsonValue({ maxDepth: 3 })), (r) => refusedCleanly(() => validateRunInfo(r, 'run.json'))),
      {
        numRuns: 2000,
      },
    );
  });

  it('raw bytes of a JSON file (text, broken UTF-8, deep nesting)', () => {
    const file = join(dir, 'input.json');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
      fc.nat({ max: 100_000 }).map((n) => Buffer.from('['.repeat(n) + ']'.repeat(n))),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        writeFileSync(file, b);
        refusedCleanly(() => parseJsonFile(file));
      }),
      { numRuns: 300 },
    );
  });

  it('command-line flag values of run, check and replay', () => {
    const check = checkFlags(caseFlagSchema);
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.double(),
      fc.integer(),
      fc.constantFrom(Number.NaN, -5, 0, 2 ** 31, 99_999_999_999, 1.5, true, '', join(dir, 'nope', 'x')),
    );
    const argv = fc.dictionary(fc.constantFrom(...Object.keys(caseFlagSchema)), fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 })));
    fc.assert(
      fc.property(argv, (a) => refusedCleanly(() => check(a)) as unknown as boolean | void),
      { numRuns: 2000 },
    );
  });
});
