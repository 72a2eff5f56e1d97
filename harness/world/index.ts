/** The world (ARCHITECTURE.md § The parts, § World protocol): a real HTTP server the agent acts on, run in its own process by the orchestrator. */
export { startWorld } from './world.js';
export type { World, WorldOptions } from './world.js';
export type { WorldChannel } from './op-sink.js';
export { HEADERS } from './protocol.js';
export type { ArmedFault, FromWorld, ReleaseAction, ToWorld, WorldConfig, WorldOp, WorldTrigger } from './protocol.js';
export { unexpectedEffectId } from './effects.js';
export { flattenOtlp } from './otlp.js';
export { startOtlpGrpc, parseGrpcFrames, encodeGrpcMessage, TRACE_EXPORT_PATH, GRPC_STATUS } from './otlp-grpc.js';
export type { OtlpGrpcServer } from './otlp-grpc.js';
export { resolveTemplates } from './templates.js';
