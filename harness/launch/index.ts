export type { ManagedProcess, SpawnOptions, Exit } from './process-group.js';
export { spawnGroup, killAllGroups, liveGroups, installCleanupHandlers } from './process-group.js';
export { freePorts, waitFor } from './ports.js';
