/** Toxiproxy server built from the Go module proxy. */
import { join } from 'node:path';
import { run } from './exec.js';
import { goBuild } from './go-build.js';
import { stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

export const TOXIPROXY_VERSION = '2.12.0';

export const toxiproxy: EngineInstall = {
  name: 'toxiproxy',
  version: TOXIPROXY_VERSION,
  description: 'Toxiproxy server (go build github.com/Shopify/toxiproxy/v2/cmd/server)',
  binary(root) {
    return join(root, 'bin', 'toxiproxy-server');
  },
  installed(root) {
    return stampedAt(root, toxiproxy.name, toxiproxy.version, toxiproxy.binary(root));
  },
  async install(root: string, log: InstallLog) {
    await goBuild(
      root,
      {
        module: 'github.com/Shopify/toxiproxy/v2',
        version: `v${TOXIPROXY_VERSION}`,
        pkg: 'github.com/Shopify/toxiproxy/v2/cmd/server',
        out: toxiproxy.binary(root),
        // Without this GET /version answers "git".
        ldflagsX: [`github.com/Shopify/toxiproxy/v2.Version=${TOXIPROXY_VERSION}`],
      },
      log,
    );
    await run(toxiproxy.binary(root), ['-version'], log);
    writeStamp(root, toxiproxy.name, toxiproxy.version);
  },
};
