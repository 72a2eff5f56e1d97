/** Debian's libfaketime: preloaded into a process, it moves that process's wall clock as a control file says (clock-jump). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.js';
import type { EngineInstall, InstallLog } from './types.js';

/** Where Debian's libfaketime package puts the library, for this machine's architecture. */
const MULTIARCH: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

/** The library to preload (`LD_PRELOAD`): the system's, installed by apt (not under the engines root). */
export function faketimeLibrary(): string {
  return join('/usr/lib', MULTIARCH[process.arch] ?? `${process.arch}-linux-gnu`, 'faketime', 'libfaketime.so.1');
}

export const faketime: EngineInstall = {
  name: 'faketime',
  version: '0.9.10 (Debian libfaketime)',
  description: "Debian's libfaketime (apt): clock-jump preloads it and moves a process's wall clock through its control file",
  binary: () => faketimeLibrary(),
  installed: () => existsSync(faketimeLibrary()),
  async install(_root: string, log: InstallLog) {
    if (process.platform !== 'linux') throw new Error('libfaketime comes from Debian/Ubuntu apt: only on Linux');
    // as scripts/postgres.sh installs PostgreSQL: apt-get as root (sudo -n when not root)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const aptGet = (args: string[]) =>
      process.getuid?.() === 0 ? run('apt-get', args, log, { env }) : run('sudo', ['-n', 'apt-get', ...args], log, { env });
    await aptGet(['update']);
    await aptGet(['install', '-y', 'libfaketime']);
    if (!existsSync(faketimeLibrary())) throw new Error(`apt-get install libfaketime did not leave ${faketimeLibrary()}`);
  },
};
