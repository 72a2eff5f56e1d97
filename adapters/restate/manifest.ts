/** The Restate adapter's manifest. */
import { defineAdapter } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';

export const restateManifest = defineAdapter({
  name: 'restate',
  description: 'a Restate workflow on the real restate-server: ctx.run steps, an awakeable for approval, retries by Restate',
  hasEngine: true,
  // the server's default bound pauses the invocation (it does not fail): only a policy given with --opt maxAttempts is one
  stepAttempts: (o) => (Number(o.maxAttempts ?? 0) > 0 ? Number(o.maxAttempts) : undefined),
  durableState: () => ({ paths: ["restate/ (the server's base dir)", 'restate.toml'] }),
  requires: ['restate'],
  engineProcesses: () => ['restate'],
  engineLink: true,
  deploy: {
    changes: DEPLOY_CHANGES,
    how: 'the worker restarted on new handler code at the same endpoint, the deployment registered once (no new deployment version)',
    blueGreen:
      "version 2's worker on an endpoint of its own, registered as a new deployment beside version 1's: Restate sends every attempt of an invocation to the deployment it began on",
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
    maxAttempts: {
      type: 'integer',
      min: 0,
      default: 0,
      description:
        "the workflow's retry policy: attempts of an invocation before Restate kills it (retryPolicy.maxAttempts, onMaxAttempts kill, the server's intervals; 0 = the server's policy: 70 attempts, then pause)",
    },
    retryIntervalMs: {
      type: 'integer',
      min: 0,
      default: 0,
      unit: 'milliseconds',
      description:
        "the workflow's retry policy: the wait before the first retry, doubling after each (retryPolicy.initialInterval; 0 = the server's, 500 ms)",
    },
    ...sharedOptions,
  },
  load: async () => (await import('./adapter.js')).restateAdapter(),
});
