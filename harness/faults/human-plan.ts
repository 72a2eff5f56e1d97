/** The simulated human's plan for a case: the scenario's human, changed by the schedule's human-* faults. */
import type { Scenario } from '../scenario/index.js';
import type { Schedule } from '../store/types.js';
import { faults } from './registry.js';
import type { HumanPlan } from './types.js';

export function humanPlan(scenario: Scenario, schedule: Schedule): HumanPlan {
  const h = scenario.human ?? { decision: 'approve' as const };
  let plan: HumanPlan = { approved: h.decision === 'approve', delayMs: h.delayMs ?? 0, times: 1 };
  for (const spec of schedule) {
    const fault = faults[spec.fault];
    if (fault?.human) plan = fault.human(spec, plan);
  }
  return plan;
}
