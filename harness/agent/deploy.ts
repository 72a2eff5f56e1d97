/**
 * Version 2 of the agent, as the `deploy` fault ships it: what each declared change is, and how a worker learns that
 * it runs version 2 (`ORDEAL_AGENT_VERSION=2`, `ORDEAL_DEPLOY_CHANGE`). Every adapter implements each change the way its
 * framework's users ship one; the change's live path sends a `deploy:v2` probe, so the history shows where version 2's
 * code ran. No imports: Temporal's workflow sandbox bundles this file.
 */

/** What version 2 changes, each a kind of change agent teams ship while runs are in flight. */
export const DEPLOY_CHANGES = ['extra-step', 'rename-tool', 'changed-arg', 'system-prompt'] as const;
export type DeployChange = (typeof DEPLOY_CHANGES)[number];

export const DEPLOY_CHANGE_HELP: Record<DeployChange, string> = {
  'extra-step': 'an extra durable step (an audit call to the world) before each turn of tool calls',
  'rename-tool': "the tool step renamed (the framework's name for it: a step, an activity, a ctx.run)",
  'changed-arg': 'the tool step takes a changed argument (a new field in what the step is called with)',
  'system-prompt': 'a different system prompt at the start of the conversation',
};

/**
 * How version 2 reaches the workers: `rolling` stops every worker (SIGTERM, SIGKILL after 3 s) and starts it again on
 * version 2; `blue-green` starts version 2's workers beside version 1's, which keep running until the case ends (the
 * way a framework that pins a run to the code it began on is meant to be deployed).
 */
export const DEPLOY_ROLLOUTS = ['rolling', 'blue-green'] as const;
export type DeployRollout = (typeof DEPLOY_ROLLOUTS)[number];

/** The probe version 2's code sends where a change of it runs live (never on replay). */
export const DEPLOY_PROBE = 'deploy:v2';

/** Version 2's system prompt (`system-prompt`). */
export const V2_SYSTEM_PROMPT = 'You are a careful agent (version 2). Use the tools.';

/** The name `rename-tool` gives the tool step: `tool:refund` becomes `tool.v2:refund`. */
export const v2ToolStep = (tool: string): string => `tool.v2:${tool}`;

/** The patch id version 2 marks its change with where the framework versions code by patches (Temporal's patched()). */
export const patchId = (change: DeployChange): string => `ordeal-v2-${change}`;

/** Which version of the agent this worker runs, from its environment. */
export interface AgentVersion {
  version: 1 | 2;
  /** Set for version 2: what it changes. */
  change?: DeployChange;
  /** `--opt versioning=on`: version 2 guards its change with the framework's versioning tool. */
  versioning: boolean;
}

/** The worker's version: `ORDEAL_AGENT_VERSION` / `ORDEAL_DEPLOY_CHANGE` (set by the deploy fault), `versioning` from its options. */
export function agentVersion(env: Record<string, string | undefined>, options: Record<string, string> = {}): AgentVersion {
  const versioning = options.versioning === 'on';
  if (env.ORDEAL_AGENT_VERSION !== '2') return { version: 1, versioning };
  const change = env.ORDEAL_DEPLOY_CHANGE as DeployChange | undefined;
  if (!change || !(DEPLOY_CHANGES as readonly string[]).includes(change))
    throw new Error(`worker: ORDEAL_DEPLOY_CHANGE must be one of ${DEPLOY_CHANGES.join(', ')} with ORDEAL_AGENT_VERSION=2, got '${change ?? ''}'`);
  return { version: 2, change, versioning };
}

/** Whether version `v` carries `change`. */
export const hasChange = (v: Pick<AgentVersion, 'version' | 'change'> | undefined, change: DeployChange): boolean =>
  v?.version === 2 && v.change === change;
