/**
 * ordeal's fault filesystem (harness/faultfs/fs, Go on github.com/hanwen/go-fuse/v2), built from the repository's
 * source with its pinned modules. Mounting needs /dev/fuse and fusermount3: the install adds Debian's fuse3 when it
 * is missing and it runs as root (as scripts/postgres.sh does for PostgreSQL).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { run } from './exec.js';
import { goEnv } from './go-build.js';
import { isExecutable, stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall } from './types.js';

const SOURCE = join(packageRoot, 'harness/faultfs/fs');

/** The filesystem's version: its release and a digest of its Go source, so that a changed source is built again. */
export const FAULTFS_VERSION = `0.1.0+${sourceDigest()}`;

function sourceDigest(): string {
  const h = createHash('sha256');
  try {
    for (const f of readdirSync(SOURCE)
      .filter((n) => /\.go$|^go\.(mod|sum)$/.test(n))
      .sort())
      h.update(f).update(readFileSync(join(SOURCE, f)));
  } catch {
    return 'nosource';
  }
  return h.digest('hex').slice(0, 12);
}

/** Where fusermount3 is, or undefined. */
export function fusermount(): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/bin', '/bin'])) {
    const p = join(dir, 'fusermount3');
    if (dir && isExecutable(p)) return p;
  }
  return undefined;
}

const binary = (root: string): string => join(root, 'bin', 'ordeal-faultfs');

export const faultfs: EngineInstall = {
  name: 'faultfs',
  version: FAULTFS_VERSION,
  description: "ordeal's fault filesystem for power-loss, disk-full and fsync-error (go build harness/faultfs/fs; needs fuse3)",
  binary,
  installed: (root) => stampedAt(root, 'faultfs', FAULTFS_VERSION, binary(root)),
  async install(root, log) {
    if (!fusermount() && process.getuid?.() === 0) {
      log("fusermount3 not found: installing Debian's fuse3");
      await run('apt-get', ['update'], log);
      await run('apt-get', ['install', '-y', 'fuse3'], log, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
    mkdirSync(join(root, 'bin'), { recursive: true });
    log(`go build ${SOURCE} -> ${binary(root)}`);
    await run('go', ['build', '-trimpath', '-ldflags', `-s -w -X main.version=${FAULTFS_VERSION}`, '-o', binary(root), '.'], log, {
      cwd: SOURCE,
      env: goEnv(),
    });
    await run(binary(root), ['-version'], log);
    writeStamp(root, 'faultfs', FAULTFS_VERSION);
  },
};
