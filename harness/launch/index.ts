export type { ManagedProcess, SpawnOptions, Exit } from './process-group.js';
export { spawnGroup, killAllGroups, liveGroups, installCleanupHandlers, onInterrupt, interrupted } from './process-group.js';
export { freePorts, waitFor } from './ports.js';
