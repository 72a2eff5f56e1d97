import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type WorldProcess } from '../../harness/run/world-process.js';
import { resolveScenario, turnCalls } from '../../harness/scenario/index.js';
import { toolSchemas } from '../../harness/agent/index.js';
import { ordeal, root, tempDir } from '../helpers/cli.js';

// The "real model" is a second world process playing refund-agent's cassette: an OpenAI-compatible server on its own port.
const KEY = 'sk-ordeal-test-9f3c1e7a5b';
let model: WorldProcess;
let dir: string;

async function startModel(scenario: string, extra: Record<string, unknown> = {}): Promise<WorldProcess> {
  const runDir = join(dir, `model-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(runDir, { recursive: true });
  return startWorld({ runId: 'model', runDir, scenario: resolveScenario(scenario), host: '127.0.0.1', port: 0, ...extra }, join(runDir, 'world.log'));
}

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)]));
}

/** The verdicts of one case: overall and per checker. */
async function verdicts(scenario: string, idempotency: string, adapter: string[]) {
  const r = await ordeal([
    'run',
    ...adapter,
    '--scenario',
    scenario,
    '--fault',
    'kill-worker@after-effect:1',
    '--idempotency',
    idempotency,
    '--out',
    join(dir, 'runs'),
    '--json',
  ]);
  expect([0, 1], r.stderr).toContain(r.code);
  const c = JSON.parse(r.stdout).cases[0];
  return { valid: c.valid, checks: Object.fromEntries(Object.entries(c.checks).map(([k, v]) => [k, (v as { valid: unknown }).valid])) };
}

const handWritten = resolveScenario('refund-agent');

describe('ordeal record', () => {
  beforeAll(async () => {
    dir = tempDir('ordeal-record-');
    model = await startModel('refund-agent');
  });
  afterAll(async () => model?.stop());

  it('records a JavaScript agent from a real OpenAI-compatible server; under kill-worker@after-effect:1 its verdicts are those of the hand-written scenario', async () => {
    const out = join(dir, 'refund-js.json');
    const r = await ordeal(
      [
        'record',
        '--from',
        'refund-agent',
        '--name',
        'refund-js',
        '--model-url',
        `${model.url}/v1`,
        '--model-key-env',
        'TEST_MODEL_KEY',
        '--model',
        'gpt-test',
      ].concat(['--out', out, '--runs', join(dir, 'record-runs')]),
      { env: { TEST_MODEL_KEY: KEY } },
    );
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/Recorded 5 model turn\(s\), 4 tool call\(s\) and 2 effect\(s\)/);
    const recorded = resolveScenario(out);
    expect(recorded.task).toBe(handWritten.task);
    expect(recorded.fixture).toEqual(handWritten.fixture);
    // the model's real answers, turn by turn: the same tools with the arguments it sent (templates resolved), then the answer
    expect(recorded.cassette.map((t) => turnCalls(t).map((c) => c.tool))).toEqual(handWritten.cassette.map((t) => turnCalls(t).map((c) => c.tool)));
    expect(recorded.cassette[2]).toMatchObject({
      calls: [{ tool: 'refund', args: { order: '1042', amount: 42.5, currency: 'EUR' }, effect: 'refund:1' }],
    });
    expect(recorded.cassette.at(-1)).toMatchObject({ final: 'Refunded 42.50 EUR for order 1042 and emailed ana@example.com.' });
    for (const t of recorded.cassette) expect(t).toMatchObject({ usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) } });
    expect(recorded.expect).toEqual({
      effects: [
        { id: 'refund:1', type: 'refund' },
        { id: 'send_email:1', type: 'send_email' },
      ],
      answer: 'Refunded 42.50 EUR for order 1042 and emailed ana@example.com.',
    });
    // the key is never written: not in the scenario, the recording's run folder, or the output
    for (const f of [out, ...filesUnder(join(dir, 'record-runs'))]) expect(readFileSync(f, 'utf8'), f).not.toContain(KEY);
    expect(r.stdout + r.stderr).not.toContain(KEY);

    for (const idem of ['framework', 'none']) {
      const [mine, theirs] = [await verdicts(out, idem, []), await verdicts('refund-agent', idem, [])];
      expect(mine, idem).toEqual(theirs);
    }
    expect((await verdicts(out, 'none', [])).checks['exactly-once-effects']).toBe(false);
  });

  it('records a Python agent (the custom-adapter module) the same way, and the recording replays in a gate', async () => {
    const out = join(dir, 'refund-py.json');
    const adapter = join(root, 'examples/custom-adapter/adapter.mjs');
    const r = await ordeal(
      [
        'record',
        '--adapter',
        adapter,
        '--from',
        'refund-agent',
        '--name',
        'refund-py',
        '--model-url',
        `${model.url}/v1`,
        '--model-key-env',
        'TEST_MODEL_KEY',
      ].concat(['--out', out, '--runs', join(dir, 'record-runs-py')]),
      { env: { TEST_MODEL_KEY: KEY } },
    );
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const recorded = resolveScenario(out);
    expect(recorded.cassette.map((t) => turnCalls(t).map((c) => [c.tool, c.args]))).toEqual(
      resolveScenario(join(dir, 'refund-js.json')).cassette.map((t) => turnCalls(t).map((c) => [c.tool, c.args])),
    );
    for (const idempotency of ['framework', 'none']) {
      const config = (scenario: string) =>
        JSON.stringify({
          adapters: [{ module: adapter }],
          scenarios: [scenario],
          schedules: ['kill-worker@after-effect:1'],
          idempotency: [idempotency],
        });
      const verdictsOf = async (scenario: string) => {
        const gateDir = tempDir('ordeal-record-gate-');
        writeFileSync(join(gateDir, 'ordeal.config.json'), config(scenario));
        const g = await ordeal(['gate', '--config', join(gateDir, 'ordeal.config.json'), '--out', join(gateDir, 'report')]);
        const runs = join(gateDir, 'report', 'runs');
        const [d] = readdirSync(runs);
        const v = JSON.parse(readFileSync(join(runs, d!, 'verdict.json'), 'utf8'));
        return {
          code: g.code,
          valid: v.valid,
          checks: Object.fromEntries(Object.entries(v.checks).map(([k, c]) => [k, (c as { valid: unknown }).valid])),
        };
      };
      expect(await verdictsOf(out), idempotency).toEqual(await verdictsOf('refund-agent'));
    }
  });

  it("forwards a real client's streaming requests chunk by chunk: tool call ids and token counts as the model sent them, each answer in model.jsonl", async () => {
    const recorder = await startModel('refund-agent', { model: { url: `${model.url}/v1`, keyEnv: 'TEST_MODEL_KEY' } });
    try {
      const llm = new ChatOpenAI({ model: 'gpt-test', apiKey: 'unused', maxRetries: 0, configuration: { baseURL: `${recorder.url}/v1` } }).bindTools(
        toolSchemas as never,
      );
      let first: AIMessageChunk | undefined;
      for await (const chunk of await llm.stream([{ role: 'user', content: handWritten.task }])) first = first ? first.concat(chunk) : chunk;
      if (!first) throw new Error('no chunk streamed');
      expect(first.tool_calls?.map((c) => [c.name, c.args])).toEqual([['read_resource', { id: 'order/1042' }]]);
      expect(first.tool_calls?.[0]?.id).toMatch(/^call_/);
      expect(first.usage_metadata).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
      // a client that does not ask for usage gets no usage chunk, though the recorder asked for it upstream
      const res = await fetch(`${recorder.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: handWritten.task }] }),
      });
      const events = (await res.text()).split('\n\n').filter(Boolean);
      expect(events.at(-1)).toBe('data: [DONE]');
      expect(events.slice(0, -1).some((e) => JSON.parse(e.slice(6)).usage)).toBe(false);
      const runDir = readdirSync(dir)
        .map((n) => join(dir, n))
        .find((d) => statSync(d).isDirectory() && filesUnder(d).some((f) => f.endsWith('model.jsonl')))!;
      // the recorder writes an answer's line once the answer went out: the second may land a moment after the client read it
      const read = () =>
        readFileSync(join(runDir, 'model.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { toolCalls: { id: string }[]; usage?: unknown });
      for (let i = 0; i < 100 && read().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      const lines = read();
      expect(lines).toHaveLength(2);
      for (const l of lines)
        expect(l).toMatchObject({
          turn: 0,
          stream: true,
          toolCalls: [{ id: expect.stringMatching(/^call_/), name: 'read_resource', arguments: '{"id":"order/1042"}' }],
        });
      expect(lines[0]?.toolCalls[0]?.id).toBe(first.tool_calls?.[0]?.id);
      expect(lines[1]?.usage).toMatchObject({ promptTokens: expect.any(Number), completionTokens: expect.any(Number) });
    } finally {
      await recorder.stop();
    }
  });

  it("ends with exit 3 naming the model's own error when the agent cannot finish (here: a URL the model does not serve)", async () => {
    const r = await ordeal(
      ['record', '--from', 'refund-agent', '--name', 'refund-404', '--model-url', `${model.url}/not-v1`, '--model-key-env', 'TEST_MODEL_KEY'].concat([
        '--out',
        join(dir, 'refund-404.json'),
        '--runs',
        join(dir, 'record-runs-404'),
        '--timeout',
        '20000',
      ]),
      { env: { TEST_MODEL_KEY: KEY } },
    );
    expect(r.code, r.stderr + r.stdout).toBe(3);
    expect(r.stderr).toMatch(
      /the agent did not finish while recording .*; the model last answered HTTP 404 .*no route POST \/not-v1\/chat\/completions.*\[ORD-351\]/,
    );
    expect(r.stderr).not.toContain(KEY);
  });

  it('refuses bad input before starting anything: exit 2 naming the flag', async () => {
    const bad = await ordeal(['record', '--from', 'refund-agent', '--model-url', 'ftp://x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--model-url 'ftp:\/\/x': expected the http\(s\) base URL.*\[ORD-152\]/);
    const unset = await ordeal([
      'record',
      '--from',
      'refund-agent',
      '--model-url',
      'http://127.0.0.1:9/v1',
      '--model-key-env',
      'ORDEAL_TEST_UNSET_KEY',
    ]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/--model-key-env ORDEAL_TEST_UNSET_KEY: that environment variable is not set.*\[ORD-153\]/);
    const noTask = await ordeal(['record', '--model-url', 'http://127.0.0.1:9/v1']);
    expect(noTask.code).toBe(2);
    expect(noTask.stderr).toMatch(/needs the user's task.*\[ORD-154\]/);
  });
});
