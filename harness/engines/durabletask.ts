/** The Durable Task sidecar that Dapr Workflow embeds, with its SQLite backend, from the Go module proxy. */
import { join } from 'node:path';
import { run } from './exec.js';
import { goBuild } from './go-build.js';
import { stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

export const DURABLETASK_VERSION = '0.10.0';

export const durabletask: EngineInstall = {
  name: 'durabletask',
  version: DURABLETASK_VERSION,
  description: 'Dapr Workflow engine sidecar (go build github.com/dapr/durabletask-go, SQLite backend)',
  binary(root) {
    return join(root, 'bin', 'durabletask-go');
  },
  installed(root) {
    return stampedAt(root, durabletask.name, durabletask.version, durabletask.binary(root));
  },
  async install(root: string, log: InstallLog) {
    await goBuild(
      root,
      {
        module: 'github.com/dapr/durabletask-go',
        version: `v${DURABLETASK_VERSION}`,
        pkg: 'github.com/dapr/durabletask-go',
        out: durabletask.binary(root),
      },
      log,
    );
    // The main package only has -host, -port, -db; -h prints them (Go's flag package exits 0 on -h).
    await run(durabletask.binary(root), ['-h'], log).catch(() => undefined);
    writeStamp(root, durabletask.name, durabletask.version);
  },
};
