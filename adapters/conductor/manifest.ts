/** The Conductor adapter's manifest: the task definitions' retries and timeouts, and the workers' polling. */
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';
import { UsageError } from '../../harness/errors.js';
import { defineAdapter, type AdapterOptions } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';

const s = 'seconds';

export const conductorManifest = defineAdapter({
  name: 'conductor',
  description:
    'a Conductor OSS workflow on the real server (SQLite) + @io-orkes/conductor-javascript polling workers: DO_WHILE, dynamic fork, HUMAN approval',
  hasEngine: true,
  stepAttempts: (o) => Number(o.retryCount ?? 10) + 1, // the first attempt and retryCount retries
  durableState: () => ({ paths: ["conductor/conductor.db (the server's SQLite, WAL)"] }),
  requires: ['conductor'],
  engineProcesses: () => ['conductor'],
  engineLink: true,
  deploy: {
    changes: DEPLOY_CHANGES,
    how: 'the workers restarted on new task code, which registers what it adds at start: a task definition, and for a change of the loop workflow definition version 2 (a workflow keeps the definition it started with)',
  },
  // the JVM server takes 2-10 s to start with its AOT cache, 40-100 s without one on 2 busy cores (again after a
  // kill-engine), and with redecideS=0 a task lost with a killed worker is retried 60-150 s later (README.md)
  caseTimeoutMs: 420_000,
  options: {
    responseTimeoutS: {
      type: 'integer',
      min: 1,
      // what a lost task costs (with redecideS): an agent's tasks are short, and a longer one keeps its lease (leaseExtend)
      default: 10,
      unit: s,
      description: "the task definitions' responseTimeoutSeconds: how long a polled task may go without an update before it is retried",
    },
    redecideS: {
      type: 'integer',
      min: 0,
      default: 2,
      unit: s,
      description:
        "the workers ask the server to decide each running workflow (PUT /api/workflow/decide/{id}) this often, so a task lost with a killed worker is retried once its response timeout has passed; 0: only the server's sweeper decides, which on SQLite comes back to a workflow 60-120 s later (README.md)",
    },
    timeoutS: { type: 'integer', min: 1, default: 300, unit: s, description: "the task definitions' timeoutSeconds (above responseTimeoutS)" },
    retryCount: { type: 'integer', min: 0, default: 10, description: "the task definitions' retryCount" },
    retryDelayS: { type: 'integer', min: 0, default: 1, unit: s, description: "the task definitions' retryDelaySeconds (FIXED retry logic)" },
    pollIntervalMs: { type: 'integer', min: 1, default: 100, unit: 'milliseconds', description: "the workers' poll interval" },
    leaseExtend: {
      type: 'boolean',
      default: true,
      description: "the SDK extends a running task's lease (a heartbeat), so a task longer than responseTimeoutS is not retried",
    },
    ...sharedOptions,
  },
  check(o) {
    if (o.responseTimeoutS >= o.timeoutS)
      throw new UsageError(`--opt responseTimeoutS=${o.responseTimeoutS}: must be below timeoutS=${o.timeoutS} (Conductor refuses it)`, 'ORD-110');
  },
  load: async () => (await import('./adapter.js')).conductorAdapter(),
});

export type ConductorOptions = AdapterOptions<typeof conductorManifest>;
