// The reference agent loop runs one turn's tool calls concurrently; an approval among them is a durable barrier.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceAdapter } from '../../../../adapters/reference/adapter.js';
import { openRuntime } from '../../../../adapters/reference/runtime/index.js';
import { runCase } from '../../../../harness/run/run-case.js';
import type { Scenario } from '../../../../harness/scenario/index.js';
import { FILES, readJsonl, type Op, type Schedule } from '../../../../harness/store/index.js';

const out = mkdtempSync(join(tmpdir(), 'ref-parallel-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const scenario: Scenario = {
  name: 'parallel-approval',
  description: 'one turn: read a resource, ask for approval and send an email, all at once',
  task: 'Check order 7, ask for approval and tell the customer.',
  fixture: { resources: { 'order/7': { customer: 'bo@example.com' } }, workspace: {} },
  cassette: [
    {
      calls: [
        { tool: 'read_resource', args: { id: 'order/7' } },
        { tool: 'request_approval', args: { summary: 'Close order 7', payload: { order: '7' } } },
        { tool: 'send_email', args: { to: 'bo@example.com', subject: 'Order 7', body: 'On it.' }, effect: 'email:order-7' },
      ],
    },
    { final: 'Order 7 handled.' },
  ],
  expect: { effects: [{ id: 'email:order-7', type: 'send_email' }], answer: 'Order 7 handled.' },
};

async function run(schedule: Schedule, adapter = referenceAdapter()) {
  const r = await runCase({ adapter, scenario, schedule, idempotency: 'framework', seed: 1, outDir: out, timeoutMs: 60_000, options: {} });
  const rt = openRuntime({ path: join(r.runDir, 'data', 'journal.db') });
  const id = `agent-${r.info.id}`;
  const journal = rt.journal(id).map((e) => [e.seq, e.name, e.state]);
  const attempts = rt.status(id)?.attempts;
  rt.close();
  return { r, journal, attempts, ops: readJsonl<Op>(join(r.runDir, FILES.history)) };
}

describe('reference agent loop: parallel tool calls', () => {
  it.each([
    ['calm', [] as Schedule],
    ['killed while waiting for the approval', [{ fault: 'kill-worker', at: 'approval:waiting' }] as Schedule],
  ])(
    'numbers the calls in call order and sends the email only after the approval, once (%s)',
    async (_, schedule) => {
      const { r, journal, attempts, ops } = await run(schedule);
      // approval-integrity fails if the email went out before the human approved; exactly-once-effects if it went twice
      expect(r.verdict.valid, JSON.stringify(r.verdict.checks)).toBe(true);
      expect(journal).toEqual([
        [0, 'llm', 'done'],
        [1, 'tool:read_resource', 'done'],
        [2, 'approval:request', 'done'],
        [3, `approval:agent-${r.info.id}:2`, 'done'],
        [4, 'tool:send_email', 'done'],
        [5, 'llm', 'done'],
      ]);
      expect(ops.some((op) => op.f === 'fault')).toBe(schedule.length > 0);
      // claims: the first; one more after a kill; one more when the human answered after the agent gave the instance
      // back to wait (a decision that arrives before the wait is consumed at once) — never a claim without a cause
      const kills = ops.filter((op) => op.f === 'death' && op.process.startsWith('worker') && op.value.signal === 'SIGKILL').length;
      expect(kills).toBe(schedule.length);
      expect(attempts).toBeGreaterThanOrEqual(1 + kills);
      expect(attempts).toBeLessThanOrEqual(2 + kills);
    },
    120_000,
  );

  it('records the decision when the human sends it: an agent that resumes before the delivery call returns is not acting early', async () => {
    // the engine resumes the agent as soon as it has the decision; here the adapter's call returns 300 ms later
    const real = referenceAdapter();
    const slowAck = {
      ...real,
      approve: async (...a: Parameters<typeof real.approve>) => {
        await real.approve(...a);
        await new Promise((r) => setTimeout(r, 300));
      },
    };
    const { r, ops } = await run([], slowAck);
    expect(r.verdict.valid, JSON.stringify(r.verdict.checks)).toBe(true);
    const at = (pred: (op: Op) => boolean) => ops.findIndex(pred);
    const decided = at((op) => op.f === 'approval' && op.value.event === 'decided');
    const email = at((op) => op.f === 'effect' && op.type === 'invoke' && op.value.effect === 'email:order-7');
    const delivered = at((op) => op.f === 'approval' && op.value.event === 'delivered');
    expect(ops[decided]).toMatchObject({ process: 'human', type: 'invoke', value: { approved: true } });
    expect(decided).toBeLessThan(email);
    // the case may well end before the slow call returns; when its delivery is on record, it comes after the email
    if (delivered >= 0) expect(delivered).toBeGreaterThan(email);
  }, 120_000);
});
