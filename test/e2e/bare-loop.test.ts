import { describe, expect, it } from 'vitest';
import { benchCase } from '../../bench/case-timing.js';
import { bareLoopAdapter } from '../../bench/bare-loop/adapter.js';
import { benchScenario } from '../../bench/scenarios.js';
import { tempDir } from '../helpers/cli.js';

/** The bench's bare loop is a durable loop, not only a timed one: what it journaled is not asked for again after a kill. */
describe.each(['node', 'python'] as const)("the bench's bare loop in %s", (language) => {
  it('killed while its third model call is in flight, replays its file: the model is asked again once, no tool call is repeated', async () => {
    const t = await benchCase({
      adapter: bareLoopAdapter(language),
      scenario: benchScenario('chain', 5),
      outDir: tempDir(),
      probes: true,
      schedule: [{ fault: 'kill-worker', at: 'llm-call:3' }],
    });
    const invokes = (f: string) => t.ops.filter((o) => o.f === f && o.type === 'invoke' && o.process.startsWith('worker'));
    expect(t.ops.some((o) => o.process === 'worker#2' && o.f === 'start')).toBe(true);
    // 5 turns and the answer: 6 model calls, the third sent again by the restarted worker
    expect(invokes('llm').map((o) => [o.process, (o.value as { turn: number }).turn])).toEqual([
      ['worker#1', 0],
      ['worker#1', 1],
      ['worker#1', 2],
      ['worker#2', 2],
      ['worker#2', 3],
      ['worker#2', 4],
      ['worker#2', 5],
    ]);
    // the two tool results journaled before the kill came from the file
    expect(invokes('resource')).toHaveLength(5);
  }, 60_000);
});
