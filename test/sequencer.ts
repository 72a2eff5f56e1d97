/**
 * The order test files start in. Vitest orders by the durations of the last run, cached under node_modules; a clean
 * clone has none, and by file size the longest end-to-end files started last, one of them running alone for minutes at
 * the end of a full run. So the files that take minutes each (measured in a full run on 2 cores, longest first) start
 * first, and the rest keep vitest's order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SLOW_FIRST = [
  'test/e2e/loop-shape.test.ts',
  'test/e2e/matrix.test.ts',
  'test/e2e/pydantic-ai.test.ts',
  'test/e2e/dapr.test.ts',
  'test/e2e/temporal.test.ts',
  'test/e2e/dapr-agents.test.ts',
  'test/e2e/conductor.test.ts',
  'test/e2e/langgraph-py.test.ts',
];

export default class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((p) => f.moduleId.endsWith(p));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    // a stable sort: the files not listed keep vitest's order among themselves
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}
