export type { Anomaly, Checker, CheckResult, Validity, Verdict, Witnesses } from './types.js';
export type { WastedWorkThresholds } from './wasted-work.js';
export { composeVerdict, runChecker, runCheckers } from './compose.js';
export { exactlyOnceEffects } from './exactly-once-effects.js';
export { completion } from './completion.js';
export { wastedWork } from './wasted-work.js';
export { workspaceIntegrity, firstDifference } from './workspace-integrity.js';
export { checkers, defaultCheckers } from './registry.js';
