/** The Dapr adapter's manifest: `mode` picks the workflow engine. */
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';
import { STEP_RETRY } from '../../harness/agent/loop.js';
import { defineAdapter, type AdapterOptions } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';
import { GO_STATIC_CLOCK } from '../../harness/run/time-support.js';

export const daprManifest = defineAdapter({
  name: 'dapr',
  description:
    'a Dapr workflow: the agent loop as an orchestration on the Durable Task sidecar (SQLite) via @dapr/durabletask-js, or on daprd + placement + scheduler (mode=daprd) via @dapr/dapr',
  hasEngine: true,
  stepAttempts: () => STEP_RETRY.maxAttempts,
  durableState: (o) =>
    o.mode === 'daprd'
      ? { paths: ["dapr/state.sqlite (the actors' state store)", "dapr/scheduler/ (the scheduler's etcd)", 'dapr/names.sqlite'] }
      : { paths: ["durabletask.sqlite (the Durable Task sidecar's)"] },
  requires: ['durabletask'],
  engineProcesses: (o) => (o.mode === 'daprd' ? ['daprd', 'placement', 'scheduler'] : ['durabletask']),
  engineLink: true,
  deploy: {
    changes: DEPLOY_CHANGES,
    how: 'the worker restarted on new orchestration code under the same orchestrator name, as a rolling deploy ships it (the JS SDKs have no patching API)',
  },
  engineClock: { libc: false, why: `the Durable Task sidecar (durabletask-go) and daprd, placement and scheduler are each ${GO_STATIC_CLOCK}` },
  // the sidecar keeps work a killed process had claimed locked for 2 minutes (fixed in durabletask-go)
  caseTimeoutMs: 240_000,
  // and pays those 2 minutes again at each sidecar kill (full Dapr recovers from its actor state in seconds)
  engineRecoveryMs: (o) => (o.mode === 'daprd' ? 0 : 130_000),
  options: {
    mode: {
      type: 'choice',
      choices: ['durabletask', 'daprd'],
      default: 'durabletask',
      description:
        'the workflow engine: the Durable Task sidecar (durabletask) or full Dapr, daprd with placement and scheduler (daprd; ordeal engines install daprd)',
    },
    ...sharedOptions,
  },
  load: async () => (await import('./adapter.js')).daprAdapter(),
});

export type DaprOptions = AdapterOptions<typeof daprManifest>;
export type DaprMode = DaprOptions['mode'];
