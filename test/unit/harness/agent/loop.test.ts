// How every agent loop groups a turn's tool calls, and the one option that chooses the shape.
import { describe, expect, it } from 'vitest';
import { toolBatches, toolCallsOf } from '../../../../harness/agent/index.js';
import { UsageError } from '../../../../harness/errors.js';

const names = (b: ReturnType<typeof toolBatches<string>>) => b.map((x) => ('approval' in x ? `approve(${x.approval})` : x.calls.join('+')));

describe('toolBatches', () => {
  const turn = ['read', 'shell', 'request_approval', 'send_email', 'post_comment'];
  it('runs the stretches between approvals together, the approval alone (a barrier)', () => {
    expect(names(toolBatches(turn, (c) => c))).toEqual(['read+shell', 'approve(request_approval)', 'send_email+post_comment']);
  });
  it('runs every call alone, in call order, when sequential', () => {
    expect(names(toolBatches(turn, (c) => c, 'sequential'))).toEqual(['read', 'shell', 'approve(request_approval)', 'send_email', 'post_comment']);
  });
});

describe('toolCallsOf', () => {
  it('is concurrent unless --opt toolCalls=sequential', () => {
    expect(toolCallsOf({})).toBe('concurrent');
    expect(toolCallsOf({ toolCalls: 'sequential' })).toBe('sequential');
  });
  it('refuses another value with a usage error naming the option and the choices', () => {
    expect(() => toolCallsOf({ toolCalls: 'parallel' })).toThrow(UsageError);
    expect(() => toolCallsOf({ toolCalls: 'parallel' })).toThrow('--opt toolCalls=parallel: expected concurrent or sequential');
  });
});
