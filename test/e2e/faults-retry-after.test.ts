import { describe, expect, it } from 'vitest';
import { history, runFault } from './fault-cases.js';

describe("llm-error 429 with retry-after (reference runtime)", () => {
  it("retries the model call no earlier than the server's retry-after, as the run's history records", async () => {
    const r = await runFault(['refund-agent'], ['llm-error@llm-call:2,mode=429,retryAfter=2']);
    expect(r.code).toBe(0);
    const ops = history(r.cases[0]!);
    const limited = ops.findIndex((o) => o.f === 'llm' && o.type === 'fail' && o.value.status === 429);
    expect(limited).toBeGreaterThan(0);
    const retried = ops.slice(limited + 1).find((o) => o.f === 'llm' && o.type === 'invoke');
    expect(retried?.value.turn).toBe(ops[limited]!.value.turn);
    // recorded by the world in history.jsonl: the worker's own backoff would have retried after ~50 ms
    expect(retried!.time - ops[limited]!.time).toBeGreaterThanOrEqual(2000);
  });
});
