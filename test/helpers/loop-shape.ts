// One loop semantics on every adapter: a turn's tool calls run at once by default, one after another with
// --opt toolCalls=sequential, and concurrent effects keep their framework keys across a worker kill.
// The setups are split among test/e2e/loop-shape-part*.test.ts (every `parts`-th setup from `part`), so that two test
// workers share them instead of one file running them all at the end of the suite.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, root, tempDir } from './cli.js';
import { engineInstalled, history, ledger, runOne, spans, verdict, type Span } from './run-folder.js';
import { postgresAnswers } from './postgres.js';

/** Turn 1: two shell calls that each wait (up to 2.5 s) for the other to start; turn 2: two effects. */
const scenario = join(root, 'test/fixtures/parallel-tools.json');
/** One turn: read a resource, ask for approval, send an email. */
const withApproval = join(root, 'test/fixtures/parallel-approval.json');

/**
 * `killRace`: why the kill test cannot hold on this setup every time (a framework behaviour, documented beside its adapter).
 * `shape`: where the framework forces its own loop shape, what it does instead (documented beside its adapter):
 * `sequentialAtOnce`, why `toolCalls=sequential` still runs a turn's calls at once; `approvalsFirst`, why a turn's
 * approvals are asked for before any of its calls runs. `timeout`: a test's limit when a setup's cases take longer than
 * the default 120 s (a JVM engine on a loaded machine).
 */
interface Setup {
  name: string;
  engine?: string;
  postgres?: boolean;
  args: string[];
  killRace?: string;
  shape?: { sequentialAtOnce: string; approvalsFirst: string };
  timeout?: number;
}

const setups: Setup[] = [
  { name: 'reference', args: ['--adapter', 'reference'] },
  { name: 'langgraph (StateGraph)', args: ['--adapter', 'langgraph'] },
  { name: 'langgraph (functional API)', args: ['--adapter', 'langgraph', '--opt', 'api=functional'] },
  { name: 'langgraph-py (StateGraph)', engine: 'python', args: ['--adapter', 'langgraph-py'] },
  {
    name: 'langgraph-py (functional API)',
    engine: 'python',
    args: ['--adapter', 'langgraph-py', '--opt', 'api=functional'],
    // seen once in about 25 runs: the model's answer was re-asked after the kill and its new tool call ids made new keys
    killRace:
      "LangGraph Python writes a task's result in the background, so the effects a model answer asked for can run before that answer is durable (adapters/langgraph-py/README.md)",
  },
  { name: 'restate', engine: 'restate', args: ['--adapter', 'restate'] },
  // a 2 s heartbeat timeout: a killed worker's activities are noticed in seconds (README: "Temporal")
  { name: 'temporal', engine: 'temporal', args: ['--adapter', 'temporal', '--opt', 'heartbeatMs=2000'] },
  { name: 'dapr', engine: 'durabletask', args: ['--adapter', 'dapr'] },
  { name: 'dbos', postgres: true, args: ['--adapter', 'dbos'] },
  {
    name: 'dapr-agents',
    engine: 'dapr-agents',
    args: ['--adapter', 'dapr-agents'],
    shape: {
      sequentialAtOnce:
        "DurableAgent's tool_execution_mode=sequential waits for the turn's run_tool activities one by one, but schedules them all before the first wait (adapters/dapr-agents/README.md)",
      approvalsFirst:
        'DurableAgent runs every before_tool_call hook of a turn, waiting for each RequireApproval, before it schedules any of the turn’s tools (adapters/dapr-agents/README.md)',
    },
  },
  // a JVM server per case (~2 s to start with its AOT cache), and a task lost with a killed worker is retried ~12 s later (adapters/conductor/README.md)
  { name: 'conductor', engine: 'conductor', args: ['--adapter', 'conductor'], timeout: 600_000 },
  { name: 'pydantic-ai', engine: 'pydantic-ai', args: ['--adapter', 'pydantic-ai'] },
];
const postgres = await postgresAnswers();

/** The calls of one tool as they ran (spans answered from a journal left out): start and end, ns since the epoch. */
function ran(dir: string, tool: string): { id: unknown; start: bigint; end: bigint }[] {
  return spans(dir)
    .filter((s: Span) => s.name === `execute_tool ${tool}` && s.attributes['ordeal.replayed'] !== true)
    .map((s) => ({ id: s.attributes['gen_ai.tool.call.id'], start: BigInt(s.startTimeUnixNano), end: BigInt(s.endTimeUnixNano) }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
}

/** Each call started before every other one had finished. */
const overlap = (calls: { start: bigint; end: bigint }[]) => calls.every((a) => calls.every((b) => a === b || (a.start < b.end && b.start < a.end)));
/** Each call started only after the one before it had finished. */
const oneAfterAnother = (calls: { start: bigint; end: bigint }[]) => calls.every((c, i) => i === 0 || calls[i - 1]!.end <= c.start);

/** The tests of the setups `part`, `part + parts`, …; part 0 also holds the option's refusal. */
export function describeLoopShapes(part: number, parts: number): void {
  const calm = join(tempDir(), 'calm.json');
  writeFileSync(calm, '[]');
  for (const setup of setups.filter((_, i) => i % parts === part)) describeSetup(setup, calm);
  if (part === 0) describeRefusal(calm);
}

function describeSetup(setup: Setup, calm: string): void {
  const engine = setup.engine ? engineInstalled(setup.engine) : setup.postgres ? postgres : { installed: true, skipReason: '' };
  describe.skipIf(!engine.installed)(`loop shape on ${setup.name}${engine.installed ? '' : ` — skipped: ${engine.skipReason}`}`, () => {
    const run = (args: string[]) => runOne([...setup.args, '--scenario', scenario, ...args]);

    it(
      'runs the tool calls of one turn at once by default',
      async () => {
        const { code, stderr, c } = await run(['--schedule', calm]);
        expect(code, stderr).toBe(0);
        const shells = ran(c.runDir, 'shell');
        expect(shells).toHaveLength(2);
        expect(
          overlap(shells),
          JSON.stringify(shells, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
        ).toBe(true);
        // nothing ran twice in a calm run, though the calls of one turn share a step (wasted-work tells them apart)
        expect(verdict(c.runDir).checks['wasted-work']!.metrics.reexecutedSteps).toBe(0);
      },
      setup.timeout,
    );

    it(
      `runs them one after another with --opt toolCalls=sequential${setup.shape ? ` — here at once: ${setup.shape.sequentialAtOnce}` : ''}`,
      async () => {
        const { code, stderr, c } = await run(['--schedule', calm, '--opt', 'toolCalls=sequential']);
        expect(code, stderr).toBe(0);
        for (const tool of ['shell', 'send_email', 'post_comment']) expect(ran(c.runDir, tool).length, tool).toBeGreaterThan(0);
        const shells = ran(c.runDir, 'shell');
        if (setup.shape) {
          // what the framework really does with its sequential mode: the two shells (each waits for the other) overlap
          expect(shells).toHaveLength(2);
          expect(overlap(shells)).toBe(true);
          return;
        }
        const effects = [...ran(c.runDir, 'send_email'), ...ran(c.runDir, 'post_comment')].sort((a, b) => (a.start < b.start ? -1 : 1));
        expect(shells).toHaveLength(2);
        expect(oneAfterAnother(shells)).toBe(true);
        expect(oneAfterAnother(effects)).toBe(true);
      },
      setup.timeout,
    );

    it(
      `waits for an approval among the calls: the calls before it finish first, the calls after it start once the human answered${setup.shape ? ` — here every call waits: ${setup.shape.approvalsFirst}` : ''}`,
      async () => {
        // the human answers 1.5 s after the agent asks (human-late counts from the request), so a call that does not wait for the answer goes out before it
        const { code, stderr, c } = await runOne([...setup.args, '--scenario', withApproval, '--fault', 'human-late@approval:waiting,ms=1500']);
        expect(code, stderr).toBe(0);
        const h = history(c.runDir);
        const read = h.findIndex((o) => o.f === 'resource' && o.type === 'ok');
        const requested = h.findIndex((o) => o.f === 'approval' && o.value.event === 'requested');
        const decided = h.findIndex((o) => o.f === 'approval' && o.value.event === 'decided');
        const email = h.findIndex((o) => o.f === 'effect' && o.type === 'invoke');
        expect(
          h.filter((o) => o.f === 'effect' && o.type === 'invoke'),
          'the email is sent once, after the answer',
        ).toHaveLength(1);
        expect(
          [read, requested, decided, email].every((i) => i >= 0),
          JSON.stringify({ read, requested, decided, email }),
        ).toBe(true);
        if (setup.shape) expect(decided).toBeLessThan(read);
        else expect(read).toBeLessThan(requested);
        expect(decided).toBeLessThan(email);
      },
      setup.timeout,
    );

    it.skipIf(setup.killRace !== undefined)(
      `applies each of two concurrent effects once when the worker dies after the first, each with its own framework key${setup.killRace ? ` — skipped: ${setup.killRace}` : ''}`,
      async () => {
        const { code, stderr, c } = await run(['--fault', 'kill-worker@after-effect:1', '--idempotency', 'framework']);
        expect(code, stderr).toBe(0);
        const entries = ledger(c.runDir);
        expect(
          entries
            .filter((e) => e.outcome === 'applied')
            .map((e) => e.effect)
            .sort(),
        ).toEqual(['comment:issue-7', 'email:checked']);
        const keys = new Map(entries.map((e) => [e.effect, e.key]));
        expect(keys.get('email:checked')).toBeTruthy();
        expect(keys.get('comment:issue-7')).toBeTruthy();
        expect(keys.get('email:checked')).not.toBe(keys.get('comment:issue-7'));
        // a retried request carries the key of its first one
        for (const e of entries) expect(e.key).toBe(keys.get(e.effect));
      },
      setup.timeout,
    );
  });
}

function describeRefusal(calm: string): void {
  describe('--opt toolCalls', () => {
    it('refuses a value other than concurrent or sequential, naming the option (exit 2)', async () => {
      const r = await ordeal([
        'run',
        '--adapter',
        'reference',
        '--scenario',
        scenario,
        '--schedule',
        calm,
        '--opt',
        'toolCalls=parallel',
        '--out',
        tempDir(),
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--opt toolCalls=parallel: expected concurrent or sequential');
    });
  });
}
