/** The pydantic-ai adapter's manifest: a Pydantic AI agent made durable by its Temporal integration, in Python. */
import { defineAdapter, type AdapterOptions } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';
import { GO_STATIC_CLOCK, versioningOptions } from '../../harness/run/time-support.js';
import { TEMPORAL_BLUE_GREEN, temporalWorkerOptions, workerVersioningOption } from '../temporal/manifest.js';

const ms = 'milliseconds';

export const pydanticAiManifest = defineAdapter({
  name: 'pydantic-ai',
  description:
    'a Pydantic AI agent (Python) with its TemporalDurability capability on the Temporal CLI dev server (SQLite): every model request and tool call an activity, the approval a signal',
  workerLanguage: 'python',
  hasEngine: true,
  stepAttempts: (o) => Number(o.maxAttempts ?? 10), // the activities' retry policy
  durableState: () => ({ paths: ["temporal.db (the dev server's SQLite)"] }),
  requires: ['temporal', 'pydantic-ai'],
  engineProcesses: () => ['temporal'],
  engineLink: true,
  deploy: {
    changes: DEPLOY_CHANGES,
    how: 'the worker restarted on new agent and workflow code under the same workflow type, agent name and task queue, as a rolling deploy ships it',
    versioning: "Temporal's patching API: version 2's change runs only where workflow.patched('ordeal-v2-<change>') says so",
    blueGreen: TEMPORAL_BLUE_GREEN,
  },
  engineClock: { libc: false, why: `the Temporal CLI dev server is ${GO_STATIC_CLOCK}` },
  // a worker killed mid-activity is noticed when the attempt's start-to-close expires (no heartbeats)
  caseTimeoutMs: 120_000,
  options: {
    startToCloseMs: {
      type: 'integer',
      min: 1,
      default: 10_000,
      unit: ms,
      description: "an activity attempt's start-to-close timeout: how soon an attempt lost with its worker is retried",
    },
    heartbeatMs: {
      type: 'integer',
      min: 0,
      default: 0,
      unit: ms,
      description: 'heartbeat timeout of the activities (0 = none: they do not heartbeat)',
    },
    ...temporalWorkerOptions,
    ...workerVersioningOption,
    ...versioningOptions,
    ...sharedOptions,
  },
  load: async () => (await import('./adapter.js')).pydanticAiAdapter(),
});

export type PydanticAiOptions = AdapterOptions<typeof pydanticAiManifest>;
