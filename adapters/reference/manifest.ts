/** The reference adapter's manifest: ordeal's own durable runtime, the embedded default. */
import { STEP_RETRY } from '../../harness/agent/loop.js';
import { defineAdapter, type AdapterOptions } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';

export const referenceManifest = defineAdapter({
  name: 'reference',
  description: "ordeal's own durable runtime on SQLite (journaled steps, leases, signals); the embedded default, no external services",
  hasEngine: false,
  stepAttempts: () => STEP_RETRY.maxAttempts,
  durableState: () => ({ paths: ['journal.db', 'journal.db-wal', 'journal.db-attempts/'] }),
  deploy: {
    changes: DEPLOY_CHANGES,
    how: 'the worker process restarted on the new agent code; the journal replays steps by sequence number, name and kind (no versioning tool)',
  },
  options: {
    synchronous: {
      type: 'choice',
      choices: ['FULL', 'NORMAL'],
      ignoreCase: true,
      default: 'FULL',
      description: "SQLite's synchronous mode for the journal: FULL syncs every commit, NORMAL only at WAL checkpoints",
    },
    pollMs: { type: 'number', above: 0, default: 20, unit: 'milliseconds', description: 'how often an idle worker looks for work in the journal' },
    ...sharedOptions,
  },
  load: async () => (await import('./adapter.js')).referenceAdapter(),
});

export type ReferenceOptions = AdapterOptions<typeof referenceManifest>;
