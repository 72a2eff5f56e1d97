/** The Temporal adapter's manifest: the activity timeouts and retries that shape recovery. */
import { UsageError } from '../../harness/errors.js';
import { defineAdapter, type AdapterOptions } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';
import { GO_STATIC_CLOCK, versioningOptions } from '../../harness/run/time-support.js';

const ms = 'milliseconds';

/** The options of any worker on the Temporal dev server, whatever its SDK: the activities' retries and the task timeouts. */
export const temporalWorkerOptions = {
  retryInitialMs: { type: 'integer', min: 1, default: 1_000, unit: ms, description: "the activity retry policy's initial interval" },
  maxAttempts: { type: 'integer', min: 1, default: 10, description: "the activity retry policy's maximum attempts" },
  stickyMs: {
    type: 'integer',
    min: 1,
    default: 10_000,
    unit: ms,
    description: "the worker's sticky-queue schedule-to-start timeout (SDK default 10 s)",
  },
  workflowTaskMs: { type: 'integer', min: 1, default: 10_000, unit: ms, description: 'the workflow task timeout (server default 10 s)' },
} as const;

/** `--opt workerVersioning`, for the adapters whose workers poll the Temporal dev server (blue-green deploys). */
export const workerVersioningOption = {
  workerVersioning: {
    type: 'choice',
    choices: ['off', 'pinned'],
    default: 'off',
    description:
      "Temporal's Worker Versioning: every worker a version of the Worker Deployment 'ordeal-agent' (build id 1, or 2-<change> after a deploy), its workflows PINNED to the version they began on, a newer version made current once it polls (off: unversioned workers)",
  },
} as const;

/** How version 2 runs beside version 1 on the Temporal dev server (manifest `deploy.blueGreen`). */
export const TEMPORAL_BLUE_GREEN =
  "version 2's worker beside version 1's on the same task queue: with --opt workerVersioning=pinned each is a version of one Worker Deployment and a workflow runs on the version it began on (Worker Versioning, PINNED); without it both poll one unversioned queue";

export const temporalManifest = defineAdapter({
  name: 'temporal',
  description: 'a Temporal workflow on the Temporal CLI dev server (SQLite) + @temporalio/worker: activities with heartbeats, approval as a signal',
  hasEngine: true,
  stepAttempts: (o) => Number(o.maxAttempts ?? 10), // the activity retry policy's maximumAttempts
  durableState: () => ({ paths: ["temporal.db (the dev server's SQLite)"] }),
  requires: ['temporal'],
  engineProcesses: () => ['temporal'],
  engineLink: true,
  deploy: {
    changes: DEPLOY_CHANGES,
    how: 'the worker restarted with a new workflow bundle: new code under the same workflow type and task queue, as a rolling deploy ships it',
    versioning: "Temporal's patching API: version 2's change runs only where patched('ordeal-v2-<change>') says so",
    blueGreen: TEMPORAL_BLUE_GREEN,
  },
  engineClock: { libc: false, why: `the Temporal CLI dev server is ${GO_STATIC_CLOCK}` },
  // recovery after a worker kill waits for the heartbeat timeout; long chains need room
  caseTimeoutMs: 120_000,
  options: {
    startToCloseMs: { type: 'integer', min: 1, default: 60_000, unit: ms, description: "an activity attempt's start-to-close timeout" },
    heartbeatMs: {
      type: 'integer',
      min: 0,
      default: 10_000,
      unit: ms,
      description: 'heartbeat timeout: how soon a lost attempt is noticed (0 = none, below startToCloseMs)',
    },
    scheduleToStartMs: {
      type: 'integer',
      min: 0,
      default: 0,
      unit: ms,
      description: 'schedule-to-start timeout of an activity (0 = unset: wait for a worker forever)',
    },
    ...temporalWorkerOptions,
    ...workerVersioningOption,
    ...versioningOptions,
    ...sharedOptions,
  },
  check(o) {
    if (o.heartbeatMs > 0 && o.heartbeatMs >= o.startToCloseMs)
      throw new UsageError(`--opt heartbeatMs=${o.heartbeatMs}: must be below startToCloseMs=${o.startToCloseMs} to matter`, 'ORD-110');
  },
  load: async () => (await import('./adapter.js')).temporalAdapter(),
});

export type TemporalOptions = AdapterOptions<typeof temporalManifest>;
