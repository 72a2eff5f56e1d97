/**
 * The world's contract with the orchestrator (IPC messages over the fork channel) and with
 * workers (HTTP, documented in harness/world/README.md).
 */
import type { Op } from '../store/types.js';
import type { Scenario } from '../scenario/index.js';
import type { WorldTrigger } from '../faults/trigger.js';
import type { ModelUpstream } from './model-forward.js';

/** A trigger the world watches for (the grammar: harness/faults/trigger.ts). */
export type { WorldTrigger };

export interface ArmedFault {
  /** Index of the fault in the schedule. */
  index: number;
  trigger: WorldTrigger;
  /**
   * How many times in all the fault fires: after its trigger, again at each later request of the same kind for the
   * same logical call (an effect's id, a turn's model call, a shell command), until it has fired this often. Default 1.
   */
  times?: number;
}

/**
 * The logical call a model request makes (its turn of the cassette), as a fault that fires more than once holds it
 * again and as the checkers group a crash loop's attempts. An effect's logical call is its effect id.
 */
export const llmCall = (turn: number): string => `llm:turn-${turn}`;

/**
 * The logical call a shell command makes (its `shell:before` probe): the command's text. Two runs of the very same
 * command in one case are one call to a crash loop.
 */
export const shellCall = (command: string): string => `shell:${command}`;

/** The probe point of the world's note that a fault ended a held `shell:before` probe: the command never ran. */
export const SHELL_LOST = 'shell:lost';

/** What the orchestrator tells the world to do with a held request. */
export type ReleaseAction =
  /** Go on as if nothing happened. */
  | { type: 'continue' }
  /** Destroy the connection without a response (and, for before-effect, without applying). */
  | { type: 'drop' }
  /** Answer only after `ms` (the effect is still applied). */
  | { type: 'delay'; ms: number }
  /** Apply the effect, then reset the connection: the caller cannot know it happened. */
  | { type: 'reset' }
  /** Answer with an HTTP error instead. */
  | { type: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Go on; a `shell:before` probe answers `{partial: {k}}` so the shell stops after k sub-operations. */
  | { type: 'partial'; k: number }
  /** Start a 200 answer and cut the connection halfway through its body. */
  | { type: 'break' }
  /** Model calls: the answer is lost (reset) and every repeated call for the same turn answers a different plan. */
  | { type: 'replan' };

export interface WorldConfig {
  runId: string;
  runDir: string;
  scenario: Scenario;
  host: string;
  port: number;
  /** Recording (`ordeal record`): the model endpoint forwards to this real model instead of playing the cassette. */
  model?: ModelUpstream;
}

export type ToWorld =
  | { kind: 'init'; config: WorldConfig }
  | { kind: 'arm'; faults: ArmedFault[] }
  | { kind: 'release'; holdId: number; action: ReleaseAction }
  /** Someone else changes a resource (state drift). */
  | { kind: 'set-resource'; id: string; value: unknown }
  | { kind: 'shutdown' };

/** A history op as the world observed it; the orchestrator assigns index and process. */
export type WorldOp = Omit<Op, 'index' | 'process'> & { process?: string };

export type FromWorld =
  /** `grpcPort`: the OTLP/gRPC trace receiver on the same host. */
  | { kind: 'ready'; port: number; grpcPort?: number; pid: number }
  | { kind: 'op'; op: WorldOp }
  /** A request matched an armed trigger and is held until a `release` with the same holdId. */
  | { kind: 'trigger'; holdId: number; faultIndex: number; pid: number | null; detail: Record<string, unknown> }
  /** An approval request was registered for the first time. */
  | { kind: 'approval'; id: string; request: { summary: string; payload: unknown; pid: number | null } }
  | { kind: 'error'; message: string };

/** The most bytes the world reads of one request body (it answers 413 above it): a scenario's conversation must fit. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** HTTP headers workers send to the world. */
export const HEADERS = {
  pid: 'x-ordeal-pid',
  idempotencyKey: 'idempotency-key',
  step: 'x-ordeal-step',
  attempt: 'x-ordeal-attempt',
} as const;
