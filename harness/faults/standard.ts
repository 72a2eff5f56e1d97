import type { Scenario } from '../scenario/index.js';
import { cassetteCalls, isEffectTool } from '../scenario/index.js';
import type { Schedule } from '../store/types.js';

/** The standard kill points `ordeal run` uses when no fault is given: one schedule each, plus the calm baseline. */
export function standardSchedules(scenario: Scenario, hasEngine: boolean): Schedule[] {
  const calls = cassetteCalls(scenario.cassette);
  const hasEffects = calls.some((c) => isEffectTool(c.tool));
  const hasApproval = calls.some((c) => c.tool === 'request_approval');
  const out: Schedule[] = [[]];
  if (hasEffects) {
    out.push([{ fault: 'kill-worker', at: 'before-effect:1' }]);
    out.push([{ fault: 'kill-worker', at: 'after-effect:1' }]);
  }
  out.push([{ fault: 'kill-worker', at: 'llm-call:2' }]);
  out.push([{ fault: 'kill-worker', at: 'step:3' }]);
  if (hasApproval) out.push([{ fault: 'kill-worker', at: 'approval:waiting' }]);
  if (hasEngine && hasApproval) out.push([{ fault: 'kill-engine', at: 'approval:waiting' }]);
  return out;
}
