/**
 * The fault filesystem of one case: ordeal-faultfs mounted over the case's data directory (the durable state of the
 * worker, the engine and the adapter's own clients), passing through to `<run>/data.disk`, the "disk". At the end of
 * the case it is unmounted and the disk becomes `<run>/data` again. Mounts never outlive the orchestrator: the
 * filesystem unmounts itself when the orchestrator's process is gone, and every case first sweeps stale mounts.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { enginesRoot, fusermount, requireEngine } from '../engines/index.js';
import { HarnessError } from '../errors.js';
import { freePorts, spawnGroup, waitFor, type ManagedProcess } from '../launch/index.js';
import { FILES } from '../store/index.js';

/** What a power cut lost, per file and per directory entry, as the filesystem reports it. */
export interface CrashReport {
  files: { path: string; writes: number; bytes: number; tornKept?: number }[];
  dirOps: string[];
}

export interface CrashRequest {
  /** The process groups whose unsynced changes are lost; absent: everyone's. */
  pgids?: number[];
  /** The last unsynced write of each file keeps a prefix (the writes before it reached the disk). */
  torn?: boolean;
  /** `journal` (default): any fsync commits every directory change before it (ext4, XFS); `posix`: only its directory's fsync. */
  metadata?: 'journal' | 'posix';
  seed?: number;
}

/** The control of a mounted fault filesystem. */
export interface DiskControl {
  readonly mountpoint: string;
  crash(req: CrashRequest): Promise<CrashReport>;
  /** Writes (and creates, growing truncates, fallocate) fail with ENOSPC for `ms`. */
  fill(ms: number): Promise<void>;
  /** The next fsync (of a file one of `pgids` wrote; absent: any) fails with EIO and its unsynced writes are lost. */
  failNextFsync(pgids?: number[]): Promise<void>;
  status(): Promise<Record<string, unknown>>;
  /** Unmounts and gives the disk its place back as the data directory. */
  stop(): Promise<void>;
}

/** The file system's name in /proc/self/mountinfo: the orchestrator's pid, so a sweep knows whose mount it was. */
const FSNAME_PREFIX = 'ordeal-faultfs:';

/** Mountpoints of this process's fault filesystems, unmounted (lazily) on every exit path of the orchestrator. */
const mounted = new Set<string>();
let exitHook = false;

/** Detaches every mount this process made; synchronous, for the 'exit' event (its filesystem process may be SIGKILLed already). */
export function unmountAll(): void {
  const fm = fusermount();
  for (const m of mounted) {
    if (isMounted(m)) spawnSync(fm ?? 'umount', fm ? ['-u', '-z', m] : ['-l', m]);
  }
  mounted.clear();
}

/** /dev/fuse and fusermount3, or a HarnessError (exit 3) naming what to install. */
export function requireFuse(): string {
  const fm = fusermount();
  const missing = [
    existsSync('/dev/fuse') ? '' : '/dev/fuse (load the fuse module, or give the container --device /dev/fuse)',
    fm ? '' : 'fusermount3',
  ];
  const what = missing.filter(Boolean);
  if (what.length)
    throw new HarnessError(
      `power-loss, disk-full and fsync-error need FUSE, but ${what.join(' and ')} is missing: install Debian's fuse3 (apt-get install fuse3) or run \`ordeal engines install faultfs\` as root`,
      'ORD-320',
    );
  return fm!;
}

/** Unmounts fault filesystems whose orchestrator is gone (a SIGKILLed run), lazily; returns the mountpoints it unmounted. */
export function sweepStaleMounts(): string[] {
  let info: string;
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const swept: string[] = [];
  for (const line of info.split('\n')) {
    // … mountpoint … - fstype source options
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const [fstype, source] = right.split(' ');
    if (fstype !== 'fuse.ordeal-faultfs' || !source?.startsWith(FSNAME_PREFIX)) continue;
    const pid = Number(source.slice(FSNAME_PREFIX.length));
    if (pid === process.pid || alive(pid)) continue;
    const mountpoint = unescapeMount(left.split(' ')[4] ?? '');
    const fm = fusermount();
    const r = fm ? spawnSync(fm, ['-u', '-z', mountpoint]) : spawnSync('umount', ['-l', mountpoint]);
    if (r.status === 0) swept.push(mountpoint);
  }
  return swept;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** mountinfo writes space, tab, newline and backslash as octal escapes. */
const unescapeMount = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * Mounts the fault filesystem over `dataDir` (which must not exist yet or be empty), backed by `<dataDir>.disk`.
 * A missing FUSE or binary is exit 3 naming what to install.
 */
export async function startFaultFs(dataDir: string, runDir: string): Promise<DiskControl> {
  requireFuse();
  const binary = requireEngine('faultfs', enginesRoot());
  sweepStaleMounts();
  const disk = `${dataDir}.disk`;
  mkdirSync(disk, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  if (!exitHook) {
    exitHook = true;
    process.on('exit', unmountAll);
  }
  const [port] = await freePorts(1);
  const base = `http://127.0.0.1:${port}`;
  const log = join(runDir, FILES.logs, 'faultfs.log');
  const proc: ManagedProcess = spawnGroup({
    name: 'faultfs',
    // not the reaper's: when the orchestrator dies it notices (-parent), unmounts and exits by itself
    reaped: false,
    command: binary,
    args: [
      '-backing',
      disk,
      '-mount',
      dataDir,
      '-control',
      `127.0.0.1:${port}`,
      '-parent',
      String(process.pid),
      '-name',
      `${FSNAME_PREFIX}${process.pid}`,
    ],
    logFile: log,
  });
  const call = async (path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new HarnessError(`faultfs ${path}: HTTP ${res.status} ${await res.text()}`, 'ORD-321');
    return res.json();
  };
  try {
    await waitFor('faultfs', () => call('/status').then(() => true), 15_000, 50);
  } catch (e) {
    await proc.stop(1000);
    throw new HarnessError(`the fault filesystem did not mount over ${dataDir}: ${(e as Error).message}; see ${log}`, 'ORD-321');
  }
  mounted.add(dataDir);
  let stopped = false;
  return {
    mountpoint: dataDir,
    crash: (req) => call('/crash', req) as Promise<CrashReport>,
    fill: async (ms) => void (await call('/full', { ms })),
    failNextFsync: async (pgids) => void (await call('/fsync-error', pgids?.length ? { pgids } : {})),
    status: () => call('/status') as Promise<Record<string, unknown>>,
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc.stop(5000); // SIGTERM: it unmounts (lazily when something still has a file open)
      if (isMounted(dataDir)) {
        const fm = fusermount();
        if (fm) spawnSync(fm, ['-u', '-z', dataDir]);
      }
      mounted.delete(dataDir);
      // the disk is the data directory again, for whoever reads the run folder afterwards
      try {
        rmdirSync(dataDir);
        renameSync(disk, dataDir);
      } catch {
        // left as it is: data/ still mounted or not empty; the disk stays beside it
      }
    },
  };
}

/** Whether `dir` is a mountpoint of a fault filesystem right now. */
export function isMounted(dir: string): boolean {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .some((l) => l.includes(' - fuse.ordeal-faultfs ') && unescapeMount(l.split(' ')[4] ?? '') === dir);
  } catch {
    return false;
  }
}
