/**
 * `ordeal/adapter`: the public API for writing an adapter outside this repository — the adapter contract, its helpers
 * and the error types. A team's adapter module imports from here and nowhere else in ordeal.
 */
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { workerEnv, type AdapterContext } from '../run/adapter.js';

export type { Adapter, AdapterContext, ApprovalDecision, EngineCommand, EngineHandle, EngineSpec, RunHandle, WorkerSpec } from '../run/adapter.js';
export { workerEnv } from '../run/adapter.js';
export { writeJsonDurably } from '../durable-file.js';
export type { AdapterManifest, UserAdapter } from '../run/manifest.js';
export { sharedOptions } from '../run/options.js';
export type { OptionSchema, OptionSpec, RawOptions } from '../run/options.js';
export type { Outcome } from '../store/types.js';
export type { Scenario } from '../scenario/types.js';
export { freePorts, waitFor } from '../launch/ports.js';
export { ExitCode, HarnessError, InputError, OrdealError, UsageError } from '../errors.js';

/** The directory holding ordeal's Python worker kit (`ordeal_worker`, stdlib only): put it on a Python worker's `PYTHONPATH`. */
export const pythonKitPath: string = join(packageRoot, 'python', 'src');

/** `workerEnv(ctx)` with ordeal's Python worker kit in front of `PYTHONPATH`, for a worker written in Python. */
export function pythonWorkerEnv(ctx: AdapterContext): Record<string, string> {
  const rest = process.env.PYTHONPATH;
  return { ...workerEnv(ctx), PYTHONPATH: rest ? `${pythonKitPath}:${rest}` : pythonKitPath };
}

/** How to start a JavaScript worker: this Node.js binary on `file`, with the worker environment. */
export function nodeWorker(ctx: AdapterContext, file: string, args: string[] = []): { command: string; args: string[]; env: Record<string, string> } {
  return { command: process.execPath, args: [file, ...args], env: workerEnv(ctx) };
}
