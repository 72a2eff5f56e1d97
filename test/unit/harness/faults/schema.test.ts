import { describe, expect, it } from 'vitest';
import { OrdealError } from '../../../../harness/errors.js';
import {
  defineFault,
  faultHelp,
  faults,
  MAX_DELAY_MS,
  parseFaultFlag,
  readParams,
  validateFaultSpec,
  type FaultContext,
  type Firing,
} from '../../../../harness/faults/index.js';
import type { FaultSpec } from '../../../../harness/store/index.js';

/** The error validating `spec` throws (it must throw one, exit 2). */
function refusal(spec: FaultSpec): OrdealError {
  try {
    validateFaultSpec(spec, 'schedule[0]');
  } catch (e) {
    expect(e).toBeInstanceOf(OrdealError);
    expect((e as OrdealError).exitCode).toBe(2);
    return e as OrdealError;
  }
  throw new Error(`${JSON.stringify(spec)} was accepted`);
}

/** A fault context that records what a fault does to the case, for firing faults without a case. */
function recorder() {
  const did: string[] = [];
  const ctx: FaultContext = {
    killWorker: async () => void did.push('killWorker'),
    startWorker: async () => void did.push('startWorker'),
    killEngine: async (target) => void did.push(`killEngine ${target ?? '(main)'}`),
    startEngine: async () => void did.push('startEngine'),
    pauseWorker: () => void did.push('pauseWorker'),
    resumeWorker: () => void did.push('resumeWorker'),
    setResource: (id, value) => void did.push(`setResource ${id} ${JSON.stringify(value)}`),
    sleep: async (ms) => void did.push(`sleep ${ms}`),
  };
  return { did, ctx };
}

async function fire(spec: FaultSpec, ctx: FaultContext): Promise<Firing> {
  const f = faults[spec.fault]!;
  const firing = await f.fire(ctx, spec, { kind: 'step', n: 1 });
  await firing.after?.();
  return firing;
}

describe('fault parameters', () => {
  it('every fault declares each parameter once, with a doc, and every delay fits a timer', () => {
    for (const f of Object.values(faults)) {
      for (const [name, p] of Object.entries(f.params)) {
        expect(p.doc, `${f.name}.${name}`).toMatch(/\w+ \w+/);
        if (/ms$/i.test(name)) expect(p, `${f.name}.${name} is a delay`).toMatchObject({ type: 'integer', unit: 'ms' });
        if (p.type === 'integer' && p.unit === 'ms') expect(p.max, `${f.name}.${name}`).toBeLessThanOrEqual(MAX_DELAY_MS);
        if (p.type === 'integer' && p.unit === 's') expect(p.max * 1000, `${f.name}.${name}`).toBeLessThanOrEqual(MAX_DELAY_MS);
      }
    }
  });

  it('refuses an unknown parameter, naming the fault, the parameter and the accepted ones', () => {
    expect(refusal({ fault: 'pause-worker', at: 'step:1', seconds: 2 }).message).toBe(
      "fault pause-worker: unknown parameter 'seconds': expected ms=…",
    );
    expect(refusal({ fault: 'net-latency', at: 'step:1', delay: 2 }).message).toBe(
      "fault net-latency: unknown parameter 'delay': expected target=…, ms=…, latency=…, jitter=…",
    );
    expect(refusal({ fault: 'ack-loss', at: 'after-effect:1', ms: 2 }).message).toBe(
      "fault ack-loss: unknown parameter 'ms': expected no parameters",
    );
  });

  it('refuses a bad value, naming the parameter and its form; delays stop at 2^31−1 ms', () => {
    expect(refusal({ fault: 'pause-worker', at: 'step:1', ms: 0 }).message).toBe(
      "fault pause-worker: parameter 'ms' must be a whole number from 1 to 2147483647 (ms), e.g. ms=1000 (got 0)",
    );
    expect(refusal({ fault: 'pause-worker', at: 'step:1', ms: 2 ** 31 }).message).toContain(
      "parameter 'ms' must be a whole number from 1 to 2147483647",
    );
    expect(() => validateFaultSpec({ fault: 'pause-worker', at: 'step:1', ms: 2 ** 31 - 1 }, 'x')).not.toThrow();
    expect(refusal({ fault: 'llm-error', at: 'llm-call:1', mode: 'slow' }).message).toContain(
      "parameter 'mode' must be one of 429, 500, hang, broken, different-plan",
    );
    expect(refusal({ fault: 'net-reset', at: 'step:1', target: 'db' }).message).toContain("parameter 'target' must be one of world, engine");
    expect(refusal({ fault: 'llm-error', at: 'llm-call:1', retryAfter: 2_147_484 }).message).toContain(
      "parameter 'retryAfter' must be a whole number from 0 to 2147483 (s)",
    );
  });

  it('validates kill-worker and kill-engine restartAfterMs like every other delay', () => {
    for (const fault of ['kill-worker', 'kill-engine']) {
      for (const restartAfterMs of [-1, 'soon', 1.5, 2 ** 31])
        expect(refusal({ fault, at: 'step:1', restartAfterMs }).message).toContain(
          `fault ${fault}: parameter 'restartAfterMs' must be a whole number from 0 to 2147483647 (ms)`,
        );
      expect(() => validateFaultSpec({ fault, at: 'step:1', restartAfterMs: 200 }, 'x')).not.toThrow();
    }
  });

  it('checks parameters against each other, and needs the required ones', () => {
    expect(refusal({ fault: 'tool-timeout', at: 'after-effect:1', timeoutMs: 500, ms: 400 }).message).toContain(
      "'ms' (400) must be larger than 'timeoutMs' (500)",
    );
    expect(refusal({ fault: 'state-drift', at: 'step:1', field: 'price' }).message).toContain("parameter 'value' is needed with 'field'");
    expect(refusal({ fault: 'human-edit', at: 'approval:waiting', value: 3 }).message).toContain("fault human-edit: parameter 'field' is needed");
    expect(refusal({ fault: 'human-edit', at: 'approval:waiting', field: 'quantity' }).message).toContain(
      "fault human-edit: parameter 'value' is needed",
    );
  });

  it('hands fire the typed parameters, defaults filled in', async () => {
    const pause = recorder();
    await fire({ fault: 'pause-worker', at: 'step:1' }, pause.ctx);
    expect(pause.did).toEqual(['pauseWorker', 'sleep 1000', 'resumeWorker']);
    const kill = recorder();
    expect((await fire({ fault: 'kill-worker', at: 'step:1', restartAfterMs: 250 }, kill.ctx)).release).toEqual({ type: 'drop' });
    expect(kill.did).toEqual(['killWorker', 'sleep 250', 'startWorker']);
    const late = recorder();
    expect((await fire({ fault: 'tool-timeout', at: 'after-effect:1', timeoutMs: 200 }, late.ctx)).release).toEqual({ type: 'delay', ms: 600 });
    expect(faults['tool-timeout']!.workerEnv!({ fault: 'tool-timeout', at: 'after-effect:1' })).toEqual({ ORDEAL_TOOL_TIMEOUT_MS: '500' });
    const rate = await fire(parseFaultFlag('llm-error@llm-call:1,mode=429,retryAfter=2'), recorder().ctx);
    expect(rate.release).toMatchObject({ type: 'error', status: 429, headers: { 'retry-after': '2' } });
    const drift = recorder();
    await fire(parseFaultFlag('state-drift@step:1,resource=42,field=price,value=25'), drift.ctx);
    expect(drift.did).toEqual(['setResource 42 {"price":25}']);
  });

  it('changes the human with typed parameters', () => {
    const plan = { approved: true, delayMs: 100, times: 1 };
    expect(faults['human-late']!.human!({ fault: 'human-late', at: 'approval:waiting' }, plan)).toEqual({ ...plan, delayMs: 3100 });
    expect(faults['human-twice']!.human!({ fault: 'human-twice', at: 'approval:waiting' }, plan)).toEqual({ ...plan, times: 2, gapMs: 200 });
    expect(faults['human-twice']!.human!(parseFaultFlag('human-twice@approval:waiting,gapMs=0'), plan)).toEqual({ ...plan, times: 2, gapMs: 0 });
    expect(faults['human-edit']!.human!({ fault: 'human-edit', at: 'approval:waiting', field: 'quantity', value: 3 }, plan)).toEqual({
      ...plan,
      edits: { quantity: 3 },
    });
  });

  it('writes the ordeal list line from the declaration', () => {
    expect(faultHelp(faults['pause-worker']!)).toBe(
      'SIGSTOP the worker at the trigger, SIGCONT it ms later: a frozen process, not a dead one; ms=1..2147483647 ms (default 1000): how long the worker stays stopped',
    );
    expect(faultHelp(faults['ack-loss']!)).toBe(faults['ack-loss']!.description);
    expect(faultHelp(faults['human-edit']!)).toContain('field=FIELD (required): the payload field the human edits; value=VALUE (required)');
  });

  it('reads parameters typed, and refuses a schema that contradicts itself', () => {
    const schema = { n: { type: 'integer', min: 0, max: 9, default: 4, doc: 'a number' }, s: { type: 'string', doc: 'a string' } } as const;
    const p = readParams('x', schema, { fault: 'x', at: 'step:1', s: 7 });
    expect(p).toEqual({ n: 4, s: '7' });
    const fire = async () => ({ release: { type: 'continue' as const } });
    const bad = (params: Record<string, unknown>) => () => defineFault({ name: 'bad', description: 'bad', params: params as never, fire });
    expect(bad({ ms: { type: 'integer', min: 0, max: 2 ** 31, unit: 'ms', doc: 'd' } })).toThrow(/longer than a timer can wait/);
    expect(bad({ s: { type: 'integer', min: 0, max: 2 ** 31, unit: 's', doc: 'd' } })).toThrow(/longer than a timer can wait/);
    expect(bad({ k: { type: 'integer', min: 1, max: 9, default: 0, doc: 'd' } })).toThrow(/defaults to 0/);
    expect(bad({ k: { type: 'integer', min: 1, max: 9, draw: { min: 0, max: 3 }, doc: 'd' } })).toThrow(/draws 0\.\.3, outside 1\.\.9/);
    expect(bad({ c: { type: 'choice', values: ['a'], default: 'b', doc: 'd' } })).toThrow(/defaults to b/);
  });
});
