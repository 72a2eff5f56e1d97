/**
 * The dbos adapter's PostgreSQL cluster of a case with machine faults: a server of the case's own whose data directory
 * is `<run>/data/postgres` (the fault filesystem), started as the adapter's engine so that a power cut kills it and it
 * restarts on what the cut left. Its processes run in a PID namespace of their own: PostgreSQL's backends each make a
 * session of their own, out of reach of a signal to the engine's process group, and the namespace's end kills them all.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { enginesRoot } from '../../harness/engines/index.js';
import { HarnessError } from '../../harness/errors.js';
import { freePorts, waitFor } from '../../harness/launch/index.js';
import type { AdapterContext, EngineCommand, EngineHandle } from '../../harness/run/adapter.js';
import { answers } from './database.js';

const run = promisify(execFile);
/** The cluster's directory under the case's data directory. */
export const CLUSTER_DIR = 'postgres';
/** PostgreSQL refuses to run as root: as root its programs run as this user (created when missing, as scripts/postgres.sh does). */
const OWNER = 'postgres';
const isRoot = (): boolean => process.getuid?.() === 0;

/** The directory of PostgreSQL's programs: initdb and postgres on PATH, else Debian's newest /usr/lib/postgresql/N/bin. */
export function postgresBin(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dirname(realpathSync(join(dir, 'postgres')));
  }
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'postgres')))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  if (!versions.length)
    throw new HarnessError(
      "dbos: machine faults run the case's own PostgreSQL cluster, but initdb and postgres were not found on PATH nor in /usr/lib/postgresql/*/bin: install Debian's postgresql (apt-get install postgresql, or scripts/postgres.sh)",
      'ORD-395',
    );
  return join('/usr/lib/postgresql', versions.at(-1)!, 'bin');
}

/** `command args…` as the cluster's owner: through runuser when ordeal runs as root. */
function asOwner(command: string, args: string[]): EngineCommand {
  return isRoot() ? { command: 'runuser', args: ['-u', OWNER, '--', command, ...args] } : { command, args };
}

async function ensureOwner(): Promise<void> {
  if (!isRoot()) return;
  await run('id', [OWNER]).catch(() => run('useradd', ['--system', '--no-create-home', OWNER]));
}

async function runAsOwner(command: string, args: string[]): Promise<void> {
  const c = asOwner(command, args);
  await run(c.command, c.args, { maxBuffer: 16 << 20 });
}

/** `15.18` of `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`. */
const versionOf = (out: string): string => /\(PostgreSQL\) (\S+)/.exec(out)?.[1] ?? out.trim().replace(/[^\w.+-]+/g, '_');

/**
 * A freshly initialized cluster, made once per PostgreSQL version under the engines directory (initdb takes seconds,
 * a copy of it a fraction of that): `<engines>/postgres-template/<version>`.
 */
async function template(bin: string): Promise<string> {
  const dir = join(enginesRoot(), 'postgres-template', versionOf((await run(join(bin, 'postgres'), ['--version'])).stdout));
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  await ensureOwner();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(tmp), { recursive: true });
  mkdirSync(tmp, { mode: 0o700 });
  if (isRoot()) chownSync(tmp, ...(await ownerIds()));
  try {
    await runAsOwner(join(bin, 'initdb'), ['-D', tmp, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions']);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new HarnessError(
      `dbos: initdb of the cluster template ${dir} failed: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`,
      'ORD-396',
      {
        cause: e,
      },
    );
  }
  // another process may have made it meanwhile: theirs stands
  if (existsSync(join(dir, 'PG_VERSION'))) rmSync(tmp, { recursive: true, force: true });
  else renameSync(tmp, dir);
  return dir;
}

async function ownerIds(): Promise<[number, number]> {
  const [uid, gid] = await Promise.all([run('id', ['-u', OWNER]), run('id', ['-g', OWNER])]);
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
}

/**
 * The case's cluster on its data directory: a copy of the template (ownership kept), every file and directory of it
 * fsynced, so that it is on the disk before the case starts as a freshly initialized cluster is.
 */
async function createCluster(bin: string, dir: string): Promise<void> {
  const from = await template(bin);
  try {
    await run('cp', ['-a', from, dir]);
    await run('sh', ['-c', 'find "$1" -print0 | xargs -0 sync --', 'sh', dir]);
  } catch (e) {
    throw new HarnessError(
      `dbos: could not copy the cluster template ${from} to ${dir}: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`,
      'ORD-396',
      {
        cause: e,
      },
    );
  }
}

/**
 * The server runs as the `postgres` user, which must reach the cluster through every directory above it. The run folder
 * and the output directory holding it are ordeal's: one that others may not search (an output directory made by
 * `mkdtemp`, mode 0700) gets the search bit for others (not the right to list it). A directory above those is the
 * user's and is left as it is: when others may not search it, the case stops naming it (ORD-397).
 */
function searchable(runDir: string): void {
  const out = dirname(runDir);
  for (const d of [runDir, out]) {
    const mode = statSync(d).mode;
    if (!(mode & 0o001)) chmodSync(d, (mode & 0o7777) | 0o001);
  }
  for (let d = dirname(out); d !== dirname(d); d = dirname(d)) {
    if (!(statSync(d).mode & 0o001))
      throw new HarnessError(
        `dbos: the case's own PostgreSQL runs as the user 'postgres', which may not enter ${d} (above the output directory ${out}); ` +
          `choose an --out whose parent directories others may search (e.g. under /tmp), or run \`chmod o+x ${d}\``,
        'ORD-397',
      );
  }
}

/** The server's command on the cluster of `ctx`'s data directory (made on the first start), on `port`. */
export async function clusterCommand(
  ctx: AdapterContext,
  ports: Record<string, number> | undefined,
): Promise<EngineCommand & { handle: EngineHandle }> {
  const bin = postgresBin();
  const dir = join(ctx.dataDir, CLUSTER_DIR);
  if (isRoot()) searchable(ctx.runDir);
  if (!existsSync(join(dir, 'PG_VERSION'))) await createCluster(bin, dir);
  // a restart keeps the port: the worker's and the adapter's connection strings stay valid
  const port = ports?.postgres ?? (await freePorts(1))[0]!;
  const server = asOwner(join(bin, 'postgres'), [
    '-D',
    dir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    // no Unix socket: clients use TCP, and a socket file has no place on the faulty disk
    '-c',
    'unix_socket_directories=',
    // the defaults, said out loud: every commit waits for its WAL's fsync, and a torn page is rewritten from the WAL
    '-c',
    'fsync=on',
    '-c',
    'synchronous_commit=on',
    '-c',
    'full_page_writes=on',
  ]);
  const address = `127.0.0.1:${port}`;
  return {
    // --kill-child: the namespace ends (and every process in it with it) when its first process is killed; a PID
    // namespace needs root: as a user the server runs as it is, and its backends end soon after it (on its death)
    ...(isRoot() ? { command: 'unshare', args: ['--pid', '--fork', '--kill-child', server.command, ...server.args] } : server),
    // the machine's PostgreSQL on the case's fault-filesystem mount: a host process under --launcher containers too
    native: true,
    handle: { url: `postgresql://postgres@${address}/postgres`, ports: { postgres: port }, linkAddress: address },
  };
}

/** Resolves once the server accepts a connection and answers a query. */
export function clusterReady(handle: EngineHandle, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return waitFor(`PostgreSQL on ${handle.linkAddress}`, () => answers(handle.url), timeoutMs, 100, signal);
}
