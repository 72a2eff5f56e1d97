/** Every checker by name, in the order reports show them. */
import { approvalIntegrity } from './approval-integrity.js';
import { completion } from './completion.js';
import { deployFate } from './deploy-fate.js';
import { driftSafety } from './drift-safety.js';
import { recovery } from './recovery.js';
import { retryBound } from './retry-bound.js';
import { exactlyOnceEffects } from './exactly-once-effects.js';
import { faultsApplied } from './faults-applied.js';
import type { Checker } from './types.js';
import { wastedWork } from './wasted-work.js';
import { workspaceIntegrity } from './workspace-integrity.js';

export const checkers: Record<string, Checker> = {
  'exactly-once-effects': exactlyOnceEffects,
  completion,
  'wasted-work': wastedWork,
  'workspace-integrity': workspaceIntegrity,
  'approval-integrity': approvalIntegrity,
  'drift-safety': driftSafety,
  recovery,
  'faults-applied': faultsApplied,
  'deploy-fate': deployFate,
  'retry-bound': retryBound,
};

/** The checkers every case runs, in registry order. */
export function defaultCheckers(): Checker[] {
  return Object.values(checkers);
}
