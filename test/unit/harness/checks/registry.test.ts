import { describe, expect, it } from 'vitest';
import * as checks from '../../../../harness/checks/index.js';
import { eff, run } from './fixtures.js';

describe('registry', () => {
  it('lists the checkers under their own names in a stable order', () => {
    expect(Object.keys(checks.checkers)).toEqual([
      'exactly-once-effects',
      'completion',
      'wasted-work',
      'workspace-integrity',
      'approval-integrity',
      'drift-safety',
      'recovery',
      'faults-applied',
      'deploy-fate',
      'retry-bound',
    ]);
    for (const [name, c] of Object.entries(checks.checkers)) {
      expect(c.name).toBe(name);
      expect(c.description.length).toBeGreaterThan(10);
    }
    expect(checks.defaultCheckers().map((c) => c.name)).toEqual(Object.keys(checks.checkers));
  });

  it('the default checkers judge a good run valid and a duplicated refund invalid', () => {
    const good = run()
      .expect({ effects: [eff('refund:order-1042')], answer: 'refunded' })
      .start()
      .llm(0);
    good.effect('refund:order-1042', 'applied').outcome({ status: 'completed', answer: 'refunded' });
    expect(checks.runCheckers(good.build(), checks.defaultCheckers(), 'ordeal replay x').valid).toBe(true);

    const bad = good.effect('refund:order-1042', 'applied').build();
    const v = checks.runCheckers(bad, checks.defaultCheckers(), 'ordeal replay x');
    expect(v.valid).toBe(false);
    expect(v.checks['exactly-once-effects']?.anomalies[0]?.kind).toBe('duplicate');
    expect(v.metrics['exactly-once-effects.applied']).toBe(2);
    expect(v.metrics['wasted-work.workerRestarts']).toBe(0);
  });
});
