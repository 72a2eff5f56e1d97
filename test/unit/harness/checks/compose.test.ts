import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { composeVerdict, runCheckers } from '../../../../harness/checks/compose.js';
import type { Checker, CheckResult, Validity } from '../../../../harness/checks/types.js';
import { run } from './fixtures.js';

const validity = fc.constantFrom<Validity>(true, false, 'unknown');
const res = (valid: Validity): CheckResult => ({ valid, anomalies: [], metrics: {} });

const fixed = (name: string, result: CheckResult): Checker => ({
  name,
  description: name,
  metrics: Object.keys(result.metrics),
  check: () => result,
});
const throwing: Checker = {
  name: 'boom',
  description: 'throws',
  metrics: [],
  check: () => {
    throw new Error('cannot read history');
  },
};

describe('composeVerdict', () => {
  it('false beats unknown beats true', () => {
    expect(composeVerdict([res(true), res('unknown'), res(false)])).toBe(false);
    expect(composeVerdict([res(true), res('unknown')])).toBe('unknown');
    expect(composeVerdict([res(true), res(true)])).toBe(true);
    expect(composeVerdict([])).toBe(true);
  });

  it('property: order-independent and false-dominant', () => {
    fc.assert(
      fc.property(fc.array(validity), fc.array(validity), (xs, ys) => {
        const v = composeVerdict(xs.map(res));
        expect(composeVerdict([...xs].reverse().map(res))).toBe(v);
        expect(composeVerdict([...xs, false].map(res))).toBe(false);
        const expected = xs.includes(false) ? false : xs.includes('unknown') ? 'unknown' : true;
        expect(v).toBe(expected);
        // Composing parts gives the same as composing the whole.
        expect(composeVerdict([res(v), res(composeVerdict(ys.map(res)))])).toBe(composeVerdict([...xs, ...ys].map(res)));
      }),
    );
  });
});

describe('runCheckers', () => {
  it('a checker that throws yields unknown, and the others still run', () => {
    const v = runCheckers(run().build(), [throwing, fixed('ok', res(true))], 'ordeal replay runs/x');
    expect(v.valid).toBe('unknown');
    expect(v.checks.ok?.valid).toBe(true);
    expect(v.checks.boom).toEqual({
      valid: 'unknown',
      anomalies: [{ kind: 'checker-crashed', message: 'The boom checker crashed: cannot read history', witnesses: {} }],
      metrics: {},
    });
    expect(v.replay).toBe('ordeal replay runs/x');
  });

  it('a crash never hides a violation', () => {
    expect(runCheckers(run().build(), [throwing, fixed('bad', res(false))], '').valid).toBe(false);
  });

  it('a checker that returns garbage yields unknown', () => {
    const garbage: Checker = { name: 'g', description: '', metrics: [], check: () => undefined as unknown as CheckResult };
    expect(runCheckers(run().build(), [garbage], '').checks.g?.anomalies[0]?.kind).toBe('checker-crashed');
  });

  it('a checker that reports a metric it does not declare yields unknown, naming the metric', () => {
    const loose: Checker = { name: 'loose', description: '', metrics: ['a'], check: () => ({ valid: true, anomalies: [], metrics: { a: 1, b: 2 } }) };
    expect(runCheckers(run().build(), [loose], '').checks.loose?.anomalies[0]?.message).toBe(
      'The loose checker crashed: it reported metrics it does not declare (b)',
    );
  });

  it('merges metrics prefixed by checker name', () => {
    const v = runCheckers(
      run().build(),
      [fixed('wasted-work', { ...res(true), metrics: { repeatedLlmCalls: 2 } }), fixed('completion', { ...res(true), metrics: { durationMs: 5 } })],
      '',
    );
    expect(v.metrics).toEqual({ 'wasted-work.repeatedLlmCalls': 2, 'completion.durationMs': 5 });
  });
});
