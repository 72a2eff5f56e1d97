/**
 * The bench's two generated scenarios. Every tool call is `read_resource` of one fixture resource: one real HTTP round
 * trip to the world and no effect, so a step is the framework's durability plus what any tool call costs.
 * - chain: N turns of one call each, every call asked for by the model after the previous result (as most agents run);
 * - fan-out: one turn of N concurrent calls.
 * Both end with a final answer; N = 0 is the answer alone.
 */
import type { Scenario } from '../harness/scenario/index.js';

export type Shape = 'chain' | 'fanOut';
export const SHAPES: Shape[] = ['chain', 'fanOut'];

/** The resource every bench tool call reads, and the call itself. */
export const BENCH_RESOURCE = 'bench';
const call = { tool: 'read_resource', args: { id: BENCH_RESOURCE } };

export function benchScenario(shape: Shape, n: number): Scenario {
  const turns =
    shape === 'chain' ? Array.from({ length: n }, () => ({ calls: [call] })) : n > 0 ? [{ calls: Array.from({ length: n }, () => call) }] : [];
  return {
    name: `bench-${shape === 'chain' ? 'chain' : 'fanout'}-${n}`,
    description:
      shape === 'chain'
        ? `bench: ${n} turns of one read_resource call, then a final answer`
        : `bench: one turn of ${n} concurrent read_resource calls, then a final answer`,
    task:
      shape === 'chain' ? `Read the resource ${n} times, one call a turn, then answer.` : `Read the resource ${n} times in one turn, then answer.`,
    fixture: { resources: { [BENCH_RESOURCE]: { n: 1 } }, workspace: {} },
    cassette: [...turns, { final: 'done' }],
    expect: { effects: [], answer: 'done' },
  };
}
