// The simulated human delivers its decision through the adapter and tries a failed delivery again while the case goes
// on (the engine may be down for a fault), but not once the case is over: a signal to a workflow that has completed
// fails for good, and fifty more tries kept the orchestrator alive long after the case (human-twice on Temporal).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Adapter, AdapterContext } from '../../../../harness/run/adapter.js';
import { humanDecides } from '../../../../harness/run/human.js';
import { resolveScenario } from '../../../../harness/scenario/index.js';
import { HistoryWriter } from '../../../../harness/store/index.js';

const root = mkdtempSync(join(tmpdir(), 'ordeal-human-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function humanCase(approve: Adapter['approve'], ended: () => boolean) {
  const history = new HistoryWriter(join(root, `history-${Math.random()}.jsonl`));
  const adapter = {
    name: 'signals',
    worker: () => ({ command: 'true', args: [] }),
    submit: async () => ({ id: 'run' }),
    approve,
    outcome: async () => ({ status: 'running' as const }),
  };
  return {
    history,
    c: {
      adapter,
      scenario: resolveScenario('refund-agent'),
      schedule: [{ fault: 'human-twice', at: 'approval:waiting' }],
      ctx: {} as AdapterContext,
      history,
      ended,
    },
  };
}

describe('the simulated human', () => {
  it('tries a failed delivery again while the case goes on, and stops once it is over', async () => {
    let over = false;
    const calls: number[] = [];
    const { c, history } = humanCase(
      async () => {
        calls.push(calls.length + 1);
        if (calls.length < 3) throw new Error('the engine is down');
        over = true; // the third try reaches it and the run completes; the second delivery then fails for good
        if (calls.length > 3) throw new Error('workflow execution already completed');
      },
      () => over,
    );
    await humanDecides(c, () => ({ id: 'run' }), 'run:approval:1', { order: '1042' });
    // two failed tries and a good one for the first delivery, one try for the second
    expect(calls).toEqual([1, 2, 3, 4]);
    const ops = history.ops.filter((o) => o.f === 'approval').map((o) => [o.type, (o.value as { event: string }).event]);
    expect(ops).toEqual([
      ['invoke', 'decided'],
      ['ok', 'delivered'],
      ['invoke', 'decided'],
      ['fail', 'undelivered'],
    ]);
    expect((history.ops.at(-1)!.value as { error: string }).error).toBe('workflow execution already completed (the case was over: not tried again)');
  });
});
