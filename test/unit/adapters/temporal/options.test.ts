import { describe, expect, it } from 'vitest';
import { temporalManifest } from '../../../../adapters/temporal/manifest.js';
import { UsageError } from '../../../../harness/errors.js';
import { parseAdapterOptions } from '../../../../harness/run/manifest.js';

const temporalOptions = (raw: Record<string, string>) => parseAdapterOptions(temporalManifest, raw);

describe('temporal adapter options', () => {
  it('defaults to a 60 s start-to-close and a 10 s heartbeat timeout', () => {
    const o = temporalOptions({});
    expect([o.startToCloseMs, o.heartbeatMs, o.scheduleToStartMs]).toEqual([60_000, 10_000, 0]);
  });

  it('takes --opt values in milliseconds, 0 turning the heartbeat timeout off', () => {
    expect(temporalOptions({ heartbeatMs: '0', startToCloseMs: '20000' })).toMatchObject({ heartbeatMs: 0, startToCloseMs: 20_000 });
  });

  it('names the option and what was expected when a value is wrong', () => {
    expect(() => temporalOptions({ heartbeatMs: 'soon' })).toThrow(/--opt heartbeatMs=soon: expected an integer ≥ 0 \(milliseconds\)/);
    expect(() => temporalOptions({ startToCloseMs: '0' })).toThrow(/--opt startToCloseMs=0: expected an integer ≥ 1/);
    expect(() => temporalOptions({ heartbeatMs: '90000' })).toThrow(/must be below startToCloseMs=60000/);
    expect(() => temporalOptions({ hearbeatMs: '1' })).toThrow(UsageError);
    expect(() => temporalOptions({ hearbeatMs: '1' })).toThrow(
      /--opt hearbeatMs: not an option of the temporal adapter; expected one of startToCloseMs, heartbeatMs/,
    );
  });
});
