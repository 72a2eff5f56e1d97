import { describe, expect, it } from 'vitest';
import { history, runFault } from './fault-cases.js';

describe('llm-error 429 with retry-after (reference runtime)', () => {
  it("waits the server's retry-after, not its own backoff, before it calls the model again, as the run's history records", async () => {
    const r = await runFault(['refund-agent'], ['llm-error@llm-call:2,mode=429,retryAfter=2']);
    expect(r.code).toBe(0);
    const ops = history(r.cases[0]!);
    const limited = ops.findIndex((o) => o.f === 'llm' && o.type === 'fail' && o.value.status === 429);
    expect(limited).toBeGreaterThan(0);
    const after = ops.slice(limited + 1);
    // the worker's runtime reported the retry of the model step with the 2 s the 429 asked for (its own backoff is ~50 ms) ...
    const retry = after.find((o) => o.f === 'probe' && o.value.point === 'step:retry');
    expect(retry?.value.detail).toEqual({ name: 'llm', delayMs: 2000 });
    // ... and only then started the step's next attempt and called the model again for the same turn
    const next = after.find((o) => o.f === 'probe' && o.value.point === 'llm:before');
    expect(next?.value).toMatchObject({ step: retry!.value.step, attempt: Number(retry!.value.attempt) + 1 });
    const retried = after.find((o) => o.f === 'llm' && o.type === 'invoke');
    expect(retried?.value.turn).toBe(ops[limited]!.value.turn);
    expect(next!.index).toBeGreaterThan(retry!.index);
    expect(retried!.index).toBeGreaterThan(next!.index);
    expect(after.filter((o) => o.f === 'probe' && o.value.point === 'step:retry')).toHaveLength(1);
    // how long the wait really took is measured by `ordeal bench` (reference.inProcess.waits.retryAfterLateMs)
  });
});
