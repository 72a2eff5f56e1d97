/** Restate server from npm: the platform package holds the real Rust binary. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.js';
import { stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

export const RESTATE_VERSION = '1.7.12';
/** The SDK that matches this server, for the restate adapter (not installed here). */
export const RESTATE_SDK_VERSION = '1.17.2';

/** `linux-x64`, `linux-arm64`, `darwin-x64` or `darwin-arm64`: the platform package suffix. */
function platformSuffix(): string {
  return `${process.platform}-${process.arch}`;
}

export const restate: EngineInstall = {
  name: 'restate',
  version: RESTATE_VERSION,
  description: 'Restate server (npm @restatedev/restate-server, real binary from its platform package)',
  binary(root) {
    return join(root, 'restate', 'node_modules', '@restatedev', `restate-server-${platformSuffix()}`, 'bin', 'restate-server');
  },
  installed(root) {
    return stampedAt(root, restate.name, restate.version, restate.binary(root));
  },
  async install(root: string, log: InstallLog) {
    const prefix = join(root, 'restate');
    mkdirSync(prefix, { recursive: true });
    // --ignore-scripts: the only install script is @scarf/scarf's analytics ping; the binary is an
    // optionalDependency that lands without any script.
    await run(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        `@restatedev/restate-server@${RESTATE_VERSION}`,
        '--ignore-scripts',
        '--include=optional',
        '--no-audit',
        '--no-fund',
        '--loglevel=warn',
      ],
      log,
      { env: { ...process.env, SCARF_ANALYTICS: 'false' } },
    );
    const out = await run(restate.binary(root), ['--version'], log);
    if (!out.includes(RESTATE_VERSION)) throw new Error(`restate-server --version said ${out.trim()}`);
    writeStamp(root, restate.name, restate.version);
  },
};
