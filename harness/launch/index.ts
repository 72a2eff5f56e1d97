export type { ManagedProcess, ManagedChild, SpawnOptions, Exit } from './process-group.js';
export { spawnGroup, track, killAllGroups, liveGroups, installCleanupHandlers, onInterrupt, interrupted } from './process-group.js';
export { freePorts, waitFor } from './ports.js';
export { checkLauncher, launchEngineProcess, launcherKind, LAUNCHERS, CONTAINER_ENGINES, type LauncherKind } from './containers.js';
