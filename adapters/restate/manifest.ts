/** The Restate adapter's manifest. */
import { defineAdapter } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';

export const restateManifest = defineAdapter({
  name: 'restate',
  description: 'a Restate workflow on the real restate-server: ctx.run steps, an awakeable for approval, retries by Restate',
  hasEngine: true,
  durableState: () => ({ paths: ["restate/ (the server's base dir)", 'restate.toml'] }),
  requires: ['restate'],
  engineProcesses: () => ['restate'],
  engineLink: true,
  deploy: {
    changes: DEPLOY_CHANGES,
    how: 'the worker restarted on new handler code at the same endpoint, the deployment registered once (no new deployment version)',
  },
  engineClock: { libc: false, why: 'restate-server is a static-pie binary: there is no dynamic loader to preload libfaketime into' },
  options: {
    inactivityTimeoutMs: {
      type: 'integer',
      min: 0,
      default: 0,
      unit: 'milliseconds',
      description:
        "how long an invocation may send nothing before Restate asks it to suspend (the workflow's inactivityTimeout; 0 = the server's, 1 min)",
    },
    abortTimeoutMs: {
      type: 'integer',
      min: 0,
      default: 0,
      unit: 'milliseconds',
      description:
        "how long after that request Restate aborts an invocation that did not suspend (the workflow's abortTimeout; 0 = the server's, 10 min)",
    },
    ...sharedOptions,
  },
  load: async () => (await import('./adapter.js')).restateAdapter(),
});
