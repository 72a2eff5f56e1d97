// Every shipped scenario runs to a valid verdict on every adapter whose engine is installed (faults are tested per
// adapter). This file takes every adapter that matrix-other-half.test.ts does not.
import { describe, expect, it } from 'vitest';
import { adapterNames } from '../../adapters/index.js';
import { calmMatrix, otherHalf } from './matrix-case.js';

describe('every scenario on every adapter, without faults', () => {
  it('splits the adapters between the two matrix files by name, naming only adapters that exist', () => {
    expect(otherHalf.filter((a) => !adapterNames().includes(a))).toEqual([]);
  });
  for (const adapter of adapterNames().filter((a) => !otherHalf.includes(a))) calmMatrix(adapter);
});
