/** The DBOS adapter's manifest: the PostgreSQL its system database lives on, and whether a case's database outlives it. */
import { STEP_RETRY } from '../../harness/agent/loop.js';
import { DEFAULT_POSTGRES_URL, redactUrl } from '../langgraph/manifest.js';
import { defineAdapter, type AdapterOptions } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';
import { versioningOptions } from '../../harness/run/time-support.js';

export const dbosManifest = defineAdapter({
  name: 'dbos',
  description:
    "a DBOS Transact workflow in the worker (@dbos-inc/dbos-sdk), its system database on PostgreSQL: runStep steps, approval by send/recv, recovery at launch; no engine process (with machine faults: the case's own PostgreSQL cluster)",
  hasEngine: false,
  stepAttempts: () => STEP_RETRY.maxAttempts,
  // a case with machine faults gets a PostgreSQL cluster of its own under the data directory, as the adapter's engine
  durableState: (o) => ({
    paths: [
      `postgres/ (with machine faults: a PostgreSQL cluster of the case's own; without: a database per case on ${redactUrl(o.postgresUrl || process.env.ORDEAL_POSTGRES_URL || DEFAULT_POSTGRES_URL)})`,
    ],
  }),
  // the worker↔PostgreSQL connections: net faults with target=engine put Toxiproxy on them
  engineLink: true,
  deploy: {
    changes: DEPLOY_CHANGES,
    how: "the worker restarted on new workflow code registered under the same workflow name, as a new application version (DBOS's default: a version per code); --opt applicationVersion pins one for both",
    versioning:
      "DBOS's patching (DBOS.patch()): both versions run with enablePatching, version 2's change only where DBOS.patch('ordeal-v2-<change>') says so",
    blueGreen:
      "version 2's process beside version 1's, each on its own application version: DBOS recovers and dequeues a workflow only on a process of the version it began on",
  },
  options: {
    postgresUrl: {
      type: 'url',
      protocols: ['postgresql', 'postgres'],
      example: 'postgresql://user@host:port/db',
      default: () => process.env.ORDEAL_POSTGRES_URL || DEFAULT_POSTGRES_URL,
      defaultNote: `ORDEAL_POSTGRES_URL, else ${DEFAULT_POSTGRES_URL}`,
      description: 'the PostgreSQL server each case gets a database of its own on (its role needs CREATEDB)',
    },
    keepDatabase: {
      type: 'boolean',
      default: false,
      description: "keep the case's database (ordeal_dbos_…, named in logs/worker.log) after the case instead of dropping it",
    },
    queueConcurrency: {
      type: 'integer',
      min: 0,
      default: 0,
      description: "how many workflows the run's queue runs at once, globally and per worker (0: no limit, DBOS's default)",
    },
    applicationVersion: {
      type: 'string',
      description:
        "one DBOS application version for every worker, before and after a deploy (unset: each version of the agent its own, as DBOS computes one from new workflow code; with versioning=on DBOS's PATCHING_ENABLED)",
    },
    ...versioningOptions,
    ...sharedOptions,
  },
  flags: { 'postgres-url': 'postgresUrl' },
  load: async () => (await import('./adapter.js')).dbosAdapter(),
});

export type DbosOptions = AdapterOptions<typeof dbosManifest>;
