/** A scenario is a framework-neutral agent task as data (ARCHITECTURE.md § Scenario). */

/** One tool call the scripted model asks for. */
export interface ToolCallSpec {
  tool: string;
  /** Arguments; a string `{{result:N.path}}` is replaced by a field of the result of the N-th tool call of the conversation (0-based). */
  args: Record<string, unknown>;
  /** For effect tools: the logical effect this call performs, e.g. `refund:order-1042`. */
  effect?: string;
}

/** One answer of the scripted model: tool calls, or the final answer. */
export type PlainTurn = { say?: string; calls: ToolCallSpec[]; usage?: Usage } | { final: string; usage?: Usage };

/**
 * A turn that depends on an earlier tool result of the conversation: `then` when the field `result` ("N" or
 * "N.path", the N-th tool result, 0-based, as in `{{result:N.path}}`) deep-equals `equals`, else `else`.
 */
export interface BranchTurn {
  when: { result: string; equals: unknown };
  then: Turn;
  else: Turn;
}

export type Turn = PlainTurn | BranchTurn;

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface ExpectedEffect {
  /** The logical effect id, as named by a `ToolCallSpec.effect`. */
  id: string;
  type: string;
  /** How many times it must be applied; 1 unless stated. */
  count?: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** The user's request that starts the agent. */
  task: string;
  system?: string;
  fixture: {
    /** Versioned resources in the world, by id; each starts at version 1. */
    resources: Record<string, unknown>;
    /** Files of the agent's shell workspace, by relative path. */
    workspace: Record<string, string>;
  };
  cassette: Turn[];
  /** What a correct run does. A file without it gets `{effects: []}` here and `expectFrom: 'calm-run'`. */
  expect: {
    effects: ExpectedEffect[];
    /** Final content of workspace files; `null` means the file must not exist. */
    workspace?: Record<string, string | null>;
    /** The final answer must contain this text. */
    answer?: string;
    /** What is expected instead when the human rejected an approval request (the history has a rejecting `decided` op). */
    onReject?: { effects: ExpectedEffect[]; answer?: string };
  };
  /** How the simulated human answers approval requests. */
  human?: { decision: 'approve' | 'reject'; delayMs?: number };
  /**
   * `calm-run`: the scenario as written has no `expect`; the fault-free run of the same scenario on the same adapter is
   * the reference, and `expect` is derived from it before a faulted case runs (`calmRun`: that run's folder).
   */
  expectFrom?: 'calm-run';
  /** The run folder of the calm run `expect` was derived from. */
  calmRun?: string;
  /** Where the scenario was loaded from, for error messages. */
  file?: string;
}

export const EFFECT_TOOLS = ['send_email', 'charge_card', 'refund', 'open_pr', 'post_comment', 'update_ticket'] as const;
export const TOOLS = ['shell', 'read_resource', 'write_resource', 'request_approval', 'noop', ...EFFECT_TOOLS] as const;
export type ToolName = (typeof TOOLS)[number];

export function isEffectTool(tool: string): boolean {
  return (EFFECT_TOOLS as readonly string[]).includes(tool);
}
