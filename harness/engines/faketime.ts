/**
 * Debian's libfaketime, unpacked from its apt package under the engines root, and ordeal's preload that goes ahead of
 * it (harness/faults/monotonic-sleep.c, built here with the system's C compiler): clock-jump preloads both into a
 * process and moves that process's wall clock through libfaketime's control file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { run } from './exec.js';
import { readStamp, writeStamp } from './stamp.js';
import type { EngineInstall } from './types.js';

export const FAKETIME_VERSION = '0.9.10';

/** Debian's multiarch folder for this machine. */
const MULTIARCH: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };
const LIBRARY = join('usr', 'lib', MULTIARCH[process.arch] ?? `${process.arch}-linux-gnu`, 'faketime', 'libfaketime.so.1');

/** ordeal's clock_nanosleep, preloaded ahead of libfaketime: monotonic sleeps go straight to the kernel (see the source). */
const SLEEP_SOURCE = join(packageRoot, 'harness/faults/monotonic-sleep.c');
const sleepLibrary = (root: string): string => join(root, 'faketime', 'ordeal-monotonic-sleep.so');

/** The install's version: libfaketime's and a digest of the preload's source, so that a changed source is built again. */
const INSTALL_VERSION = `${FAKETIME_VERSION}+${sourceDigest()}`;

function sourceDigest(): string {
  try {
    return createHash('sha256').update(readFileSync(SLEEP_SOURCE)).digest('hex').slice(0, 12);
  } catch {
    return 'nosource';
  }
}

export const faketime: EngineInstall = {
  name: 'faketime',
  version: INSTALL_VERSION,
  description:
    "Debian's libfaketime (apt package, unpacked without root) and ordeal's monotonic-sleep preload (cc): clock-jump preloads them to move a process's wall clock",
  binary: (root) => join(root, 'faketime', LIBRARY),
  installed: (root) =>
    readStamp(root, faketime.name)?.version === faketime.version && existsSync(faketime.binary(root)) && existsSync(sleepLibrary(root)),
  async install(root: string, log) {
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
      log(`cc ${SLEEP_SOURCE} -> ${sleepLibrary(root)}`);
      const cc = process.env.CC ?? 'cc';
      try {
        await run(cc, ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', '-o', sleepLibrary(root), SLEEP_SOURCE, '-ldl'], log);
      } catch (e) {
        throw new Error(`building ordeal's monotonic-sleep preload needs a C compiler (${cc}; CC names another): ${(e as Error).message}`, {
          cause: e,
        });
      }
      writeStamp(root, faketime.name, INSTALL_VERSION);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

/**
 * What a process preloads to have its wall clock moved (`LD_PRELOAD`, in this order), or undefined when
 * `ordeal engines install faketime` has not run: ordeal's monotonic-sleep preload, then libfaketime.
 */
export function faketimePreload(root: string): string[] | undefined {
  return faketime.installed(root) ? [sleepLibrary(root), faketime.binary(root)] : undefined;
}
