// The calm matrix of matrix.test.ts on the adapters of `otherHalf`, in a file of its own so that both of vitest's
// workers run the matrix.
import { describe } from 'vitest';
import { calmMatrix, otherHalf } from './matrix-case.js';

describe('every scenario on every adapter, without faults (the other half)', () => {
  for (const adapter of otherHalf) calmMatrix(adapter);
});
