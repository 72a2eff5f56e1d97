export type { Fault, FaultContext, Firing } from './types.js';
export type { Trigger } from './trigger.js';
export { parseTrigger, formatTrigger, TRIGGER_GRAMMAR, TRIGGER_HELP } from './trigger.js';
export { standardSchedules } from './standard.js';
export { faults, parseFaultFlag, validateFaultSpec, validateSchedule, formatFault } from './registry.js';
