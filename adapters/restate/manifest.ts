/** The Restate adapter's manifest. */
import { defineAdapter } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';

export const restateManifest = defineAdapter({
  name: 'restate',
  description: 'a Restate workflow on the real restate-server: ctx.run steps, an awakeable for approval, retries by Restate',
  hasEngine: true,
  requires: ['restate'],
  engineProcesses: () => ['restate'],
  engineLink: true,
  options: { ...sharedOptions },
  load: async () => (await import('./adapter.js')).restateAdapter(),
});
