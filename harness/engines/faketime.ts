/**
 * Debian's libfaketime, unpacked from its apt package under the engines root: clock-jump preloads it into a process
 * and moves that process's wall clock through its control file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.js';
import { readStamp, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

export const FAKETIME_VERSION = '0.9.10';

/** Debian's multiarch folder for this machine. */
const MULTIARCH: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };
const LIBRARY = join('usr', 'lib', MULTIARCH[process.arch] ?? `${process.arch}-linux-gnu`, 'faketime', 'libfaketime.so.1');

/** The library as the system's libfaketime package installs it (`apt-get install libfaketime`). */
export const systemFaketime = join('/', LIBRARY);

export const faketime: EngineInstall = {
  name: 'faketime',
  version: FAKETIME_VERSION,
  description: "Debian's libfaketime (apt package, unpacked without root): clock-jump preloads it to move a process's wall clock",
  binary: (root) => join(root, 'faketime', LIBRARY),
  installed: (root) => readStamp(root, faketime.name)?.version === FAKETIME_VERSION && existsSync(faketime.binary(root)),
  async install(root: string, log: InstallLog) {
    if (process.platform !== 'linux') throw new Error('libfaketime comes from Debian/Ubuntu apt: only on Linux');
    const tmp = mkdtempSync(join(root, '.faketime-'));
    try {
      // `apt-get download` needs no root: the package lands in the current folder, dpkg-deb unpacks it under the root
      await run('apt-get', ['download', 'libfaketime'], log, { cwd: tmp });
      const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error('apt-get download libfaketime left no .deb');
      const version = (await run('dpkg-deb', ['-f', join(tmp, deb), 'Version'], log)).trim();
      if (!version.startsWith(FAKETIME_VERSION)) throw new Error(`apt offers libfaketime ${version}, pinned ${FAKETIME_VERSION}`);
      const dest = join(root, 'faketime');
      rmSync(dest, { recursive: true, force: true });
      mkdirSync(dest, { recursive: true });
      await run('dpkg-deb', ['-x', join(tmp, deb), dest], log);
      if (!existsSync(faketime.binary(root))) throw new Error(`the package holds no ${LIBRARY}`);
      writeStamp(root, faketime.name, FAKETIME_VERSION);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

/** The libfaketime to preload: the one under the engines root, else the system's, else undefined (not installed). */
export function faketimeLibrary(root: string): string | undefined {
  if (faketime.installed(root)) return faketime.binary(root);
  return existsSync(systemFaketime) ? systemFaketime : undefined;
}
