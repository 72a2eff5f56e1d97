/** The dapr-agents adapter's manifest: a Dapr Agents DurableAgent (Python) on daprd 1.18 + placement + scheduler. */
import { defineAdapter, type AdapterOptions } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';
import { GO_STATIC_CLOCK, versioningOptions } from '../../harness/run/time-support.js';

export const daprAgentsManifest = defineAdapter({
  name: 'dapr-agents',
  description:
    "Dapr Agents' DurableAgent (Python, dapr-agents 1.0.9): the agent loop as a Dapr workflow on daprd 1.18 + placement + scheduler, SQLite state",
  workerLanguage: 'python',
  hasEngine: true,
  stepAttempts: () => 3, // the DurableAgent's default WorkflowRetryPolicy (max_attempts 3) on its tool activities
  durableState: () => ({
    paths: [
      "dapr/workflow.sqlite (the actors' and the agent's state store)",
      "dapr/scheduler/ (the scheduler's etcd)",
      'dapr/names.sqlite',
      'instances.jsonl',
    ],
  }),
  requires: ['daprd', 'dapr-agents'],
  engineProcesses: () => ['daprd', 'placement', 'scheduler'],
  engineLink: true,
  deploy: {
    // rename-tool has no counterpart: every tool call runs in DurableAgent's one run_tool activity (README.md, "Deploy")
    changes: ['extra-step', 'changed-arg', 'system-prompt'],
    how: "the app restarted on new agent code under the same agent and workflow name: DurableAgent's workflow subclassed (extra-step), a before_tool_call hook (changed-arg), another system prompt",
    versioning: "Dapr's workflow patching: version 2's workflow asks ctx.is_patched('ordeal-v2-<change>') once, before DurableAgent's loop",
  },
  engineClock: { libc: false, why: `daprd, placement and scheduler are each ${GO_STATIC_CLOCK}` },
  // a workflow whose worker died is picked up again once daprd notices the worker's stream is gone
  caseTimeoutMs: 240_000,
  options: {
    start: {
      type: 'choice',
      choices: ['workflow', 'app'],
      default: 'workflow',
      description:
        "who starts the agent's workflow: the orchestrator through daprd's workflow API with the run id as instance id (workflow), or the app itself on every start with AgentRunner.run and a new instance id (app, dapr-agents #197)",
    },
    ...versioningOptions,
    ...sharedOptions,
  },
  load: async () => (await import('./adapter.js')).daprAgentsAdapter(),
});

export type DaprAgentsOptions = AdapterOptions<typeof daprAgentsManifest>;
