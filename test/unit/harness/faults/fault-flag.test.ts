/** `--fault` and schedule files as parsed: each parameter once, errors naming where the fault came from. */
import { describe, expect, it } from 'vitest';
import { parseFaultFlag, validateSchedule } from '../../../../harness/faults/index.js';

const refusal = (f: () => unknown): { message: string; code: string } => {
  try {
    f();
  } catch (e) {
    return e as { message: string; code: string };
  }
  throw new Error('expected a refusal');
};

describe('parseFaultFlag', () => {
  it('refuses a parameter given twice instead of keeping the last', () => {
    const e = refusal(() => parseFaultFlag('kill-worker@step:1,restartAfterMs=1,restartAfterMs=2'));
    expect(e.message).toBe(
      "--fault 'kill-worker@step:1,restartAfterMs=1,restartAfterMs=2': parameter 'restartAfterMs' given twice (1 and 2): expected each parameter once",
    );
    expect(e.code).toBe('ORD-103');
  });

  it("refuses 'fault' and 'at' as parameters: they would replace the fault or its trigger", () => {
    expect(refusal(() => parseFaultFlag('kill-worker@step:1,at=step:2')).message).toContain("'at' is not a parameter");
    expect(refusal(() => parseFaultFlag('kill-worker@step:1,fault=kill-engine')).message).toContain("'fault' is not a parameter");
  });

  it("names the flag in a parameter's error, and shows digits too many for a number as typed", () => {
    expect(refusal(() => parseFaultFlag('kill-worker@step:1,delay=5')).message).toBe(
      "--fault 'kill-worker@step:1,delay=5': fault kill-worker: unknown parameter 'delay': expected restartAfterMs=…",
    );
    const big = '9'.repeat(400);
    expect(refusal(() => parseFaultFlag(`human-late@approval:waiting,ms=${big}`)).message).toContain(`(got "${big}")`);
  });

  it('accepts each parameter once', () => {
    expect(parseFaultFlag('kill-worker@step:1,restartAfterMs=200')).toEqual({ fault: 'kill-worker', at: 'step:1', restartAfterMs: 200 });
  });
});

describe('validateSchedule', () => {
  it("names the file and the entry in a parameter's error", () => {
    const e = refusal(() => validateSchedule([{ fault: 'kill-worker', at: 'step:1', bogus: 1 }], 'extra.json'));
    expect(e.message).toBe("extra.json[0]: fault kill-worker: unknown parameter 'bogus': expected restartAfterMs=…");
    expect(e.code).toBe('ORD-207');
  });

  it('says a number too large for JSON reads as Infinity, instead of (got null)', () => {
    const e = refusal(() => validateSchedule(JSON.parse('[{"fault": "human-late", "at": "approval:waiting", "ms": 1e400}]'), 'huge.json'));
    expect(e.message).toBe(
      "huge.json[0]: parameter 'ms' is a number too large for JSON (it reads as Infinity): expected a whole number from 0 to 2147483647 (ms)",
    );
    expect(e.code).toBe('ORD-207');
  });
});
