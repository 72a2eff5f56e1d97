export type { WorkerEnv } from './env.js';
export type { AgentTask } from './conversation.js';
export { openingMessages, DEFAULT_SYSTEM_PROMPT } from './conversation.js';
export { readWorkerEnv, exitWithParent } from './env.js';
export type { ChatMessage, ChatReply, ToolCall } from './world-client.js';
export { WorldClient, WorldHttpError, parseRetryAfter } from './world-client.js';
export type { ToolContext, ToolResult } from './tools.js';
export { runTool, runShell, toolArgs, toolSchemas, toolTimeoutMs, PARTIAL_EXIT } from './tools.js';
