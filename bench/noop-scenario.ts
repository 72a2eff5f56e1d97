/** The bench's generated scenario: one model turn asking for N `noop` calls, then a final answer (N = 0: the answer only). */
import type { Scenario } from '../harness/scenario/index.js';

export function noopScenario(n: number): Scenario {
  const calls = Array.from({ length: n }, () => ({ tool: 'noop', args: {} }));
  return {
    name: `bench-noop-${n}`,
    description: `bench: ${n} no-op tool steps, then a final answer`,
    task: `Call noop ${n} times, then answer.`,
    fixture: { resources: {}, workspace: {} },
    cassette: [...(n > 0 ? [{ calls }] : []), { final: 'done' }],
    expect: { effects: [], answer: 'done' },
  };
}
