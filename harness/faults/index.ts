export type { Fault, FaultContext, FaultDefinition, Firing, HumanPlan, NetControl, NetTarget, ParamSchema, ParamSpec, Params } from './types.js';
export { MAX_DELAY_MS } from './types.js';
export { defineFault, faultHelp, paramForm, paramLine, readParams } from './schema.js';
export { startNetProxy, type NetProxy } from './net-proxy.js';
export { humanPlan } from './human-plan.js';
export type { Trigger, TriggerKind, WorldTrigger, CountedKind } from './trigger.js';
export { COUNTED_KINDS, parseTrigger, readTrigger, formatTrigger, triggerKind, isWorldTrigger, TRIGGER_GRAMMAR, TRIGGER_HELP } from './trigger.js';
export { standardSchedules } from './standard.js';
export { faults, parseFaultFlag, validateFaultSpec, validateSchedule, formatFault } from './registry.js';
