import { describe, expect, it } from 'vitest';
import { variantOf } from '../../../reports/comparison.js';

describe('adapter variants in reports', () => {
  it('name the options that differ from the adapter defaults, sorted by key', () => {
    expect(variantOf('reference', undefined)).toBe('reference');
    expect(variantOf('reference', { synchronous: 'NORMAL' })).toBe('reference · synchronous=NORMAL');
    expect(variantOf('temporal', { maxAttempts: '3', heartbeatMs: '1000' })).toBe('temporal · heartbeatMs=1000 · maxAttempts=3');
  });

  it('an option given at its default value is the default variant: langgraph with api=graph is langgraph', () => {
    expect(variantOf('langgraph', { api: 'graph' })).toBe('langgraph');
    expect(variantOf('reference', { synchronous: 'FULL', toolCalls: 'concurrent' })).toBe('reference');
    expect(variantOf('temporal', { maxAttempts: 10 })).toBe('temporal');
  });

  it('an adapter ordeal does not know keeps every option it was given', () => {
    expect(variantOf('my-agent', { api: 'graph' })).toBe('my-agent · api=graph');
  });
});
