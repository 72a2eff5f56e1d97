import { describe, expect, it } from 'vitest';
import { faults, parseFaultFlag } from '../../../../harness/faults/index.js';

describe('machine fault specs', () => {
  it('power-loss, disk-full and fsync-error take their declared parameters and need the fault filesystem', () => {
    expect(parseFaultFlag('power-loss@step:7,torn=true,target=worker,metadata=posix')).toEqual({
      fault: 'power-loss',
      at: 'step:7',
      torn: 'true',
      target: 'worker',
      metadata: 'posix',
    });
    expect(parseFaultFlag('disk-full@t+500ms,ms=200')).toEqual({ fault: 'disk-full', at: 't+500ms', ms: 200 });
    expect(parseFaultFlag('fsync-error@after-effect:1')).toEqual({ fault: 'fsync-error', at: 'after-effect:1' });
    for (const name of ['power-loss', 'disk-full', 'fsync-error']) expect(faults[name]!.needsDisk).toBe(true);
  });

  it('a bad value exits 2 naming the parameter and its form', () => {
    expect(() => parseFaultFlag('power-loss@step:7,target=machine')).toThrow(/parameter 'target' must be one of all, worker, engine/);
    expect(() => parseFaultFlag('power-loss@step:7,torn=maybe')).toThrow(/parameter 'torn' must be one of false, true/);
    expect(() => parseFaultFlag('disk-full@step:1,ms=0')).toThrow(/parameter 'ms' must be a whole number from 1/);
    expect(() => parseFaultFlag('fsync-error@step:1,torn=true')).toThrow(/unknown parameter 'torn': expected target=…/);
  });
});
