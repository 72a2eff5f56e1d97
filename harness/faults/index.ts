export type { Fault, FaultContext, FaultParam, Firing, HumanPlan, NetControl, NetTarget } from './types.js';
export { startNetProxy, type NetProxy } from './net-proxy.js';
export { humanPlan } from './human-plan.js';
export type { Trigger, TriggerKind, WorldTrigger, CountedKind } from './trigger.js';
export { COUNTED_KINDS, parseTrigger, readTrigger, formatTrigger, triggerKind, isWorldTrigger, TRIGGER_GRAMMAR, TRIGGER_HELP } from './trigger.js';
export { standardSchedules } from './standard.js';
export { faults, parseFaultFlag, validateFaultSpec, validateSchedule, formatFault } from './registry.js';
