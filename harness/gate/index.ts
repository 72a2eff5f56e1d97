export type { GateAdapter, GateConfig } from './config.js';
export { validateGateConfig, THRESHOLD_ALIASES } from './config.js';
export { DEFAULT_CONFIGS, findConfig, isAdapterPath, loadAdapterModule, loadGateConfig, registerAdapterModule } from './load.js';
export type { GateViolation } from './evaluate.js';
export { caseLabel, evaluateGate, gateMarkdown } from './evaluate.js';
export type { GatePlanItem } from './plan.js';
export { planGate } from './plan.js';
