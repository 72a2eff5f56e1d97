import { describe, expect, it } from 'vitest';
import { completion } from '../../../../harness/checks/completion.js';
import type { RunRecord } from '../../../../harness/store/types.js';
import { run } from './fixtures.js';

describe('completion', () => {
  it('accepts a completed run whose answer contains the expected text', () => {
    const r = run().expect({ answer: 'refunded' }).llm(0).outcome({ status: 'completed', answer: 'Order 1042 refunded.' }).build();
    // Ops at t=1000 and 1010, outcome op at 1020.
    expect(completion.check(r)).toEqual({ valid: true, anomalies: [], metrics: { durationMs: 20 } });
  });

  it('flags a wrong answer, quoting what was expected and what came', () => {
    const r = run().expect({ answer: 'refunded' }).outcome({ status: 'completed', answer: 'I could not do it' }).build();
    const res = completion.check(r);
    expect(res.valid).toBe(false);
    expect(res.anomalies[0]?.kind).toBe('wrong-answer');
    expect(res.anomalies[0]?.message).toContain('"refunded"');
    expect(res.anomalies[0]?.message).toContain('"I could not do it"');
  });

  it('flags a failed run with its error and points at the outcome op', () => {
    const r = run().llm(0).outcome({ status: 'failed', error: 'activity timed out' }).build();
    const res = completion.check(r);
    expect(res.valid).toBe(false);
    expect(res.anomalies).toEqual([{ kind: 'failed', message: 'The run failed with the error "activity timed out".', witnesses: { ops: [2] } }]);
  });

  it('flags a run still running as stuck', () => {
    const res = completion.check(run().llm(0).outcome({ status: 'running' }).build());
    expect(res.valid).toBe(false);
    expect(res.anomalies[0]?.kind).toBe('stuck');
    expect(res.anomalies[0]?.message).toBe('The run had not finished when the harness stopped waiting.');
  });

  it("names how long the harness waited when run.json records the case's timeout", () => {
    const r = run().llm(0).outcome({ status: 'running' }).build();
    const res = completion.check({ ...r, info: { ...r.info, timeoutMs: 240_000 } });
    expect(res.anomalies[0]?.message).toBe(
      "The run had not finished when the harness stopped waiting after 240000 ms (the case's timeout: --timeout, else the adapter's).",
    );
  });

  it('is unknown for an unfinished run folder, even if the outcome looks fine', () => {
    const r = { ...run().llm(0).unfinished().build(), outcome: { status: 'completed', answer: 'done' } } as RunRecord;
    const res = completion.check(r);
    expect(res.valid).toBe('unknown');
    expect(res.anomalies[0]?.kind).toBe('incomplete-run');
    expect(res.metrics.durationMs).toBe(10); // no outcome op: up to the last op
  });

  it('never throws on a damaged run', () => {
    const res = completion.check({ history: [null, 3] } as unknown as RunRecord);
    expect(res.valid).toBe('unknown');
    expect(res.anomalies[0]?.kind).toBe('no-outcome');
    expect(completion.check(undefined as unknown as RunRecord).valid).toBe('unknown');
  });
});
