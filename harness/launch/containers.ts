/**
 * Engines in containers (`--launcher containers`): each engine process of a case (the server, its companions, Toxiproxy)
 * runs in a container started with testcontainers instead of as a child process. The container shares the host's network
 * (the engine binds 127.0.0.1 exactly as natively, on the same ports across restarts) and has the case's run folder
 * bind-mounted at the same path (the engine's arguments name its data directory unchanged, and a restart comes back on
 * the same data). It runs as the orchestrator's user, so what it writes stays the user's. Workers stay native.
 *
 * Nothing outlives the harness without Ryuk (whose image cannot be assumed pullable): every container is started with
 * the daemon's auto-remove and registered like a process group, so the exit handlers SIGKILL its first process (from the host's pid
 * namespace SIGKILL always reaches a container's init) and the daemon removes it; a reaper process watches the
 * orchestrator and removes its containers at once if it dies by SIGKILL; and each start sweeps containers whose
 * orchestrator is gone.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { constants, hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { DAPR_VERSION } from '../engines/daprd.js';
import { RESTATE_VERSION } from '../engines/restate.js';
import { TEMPORAL_VERSION } from '../engines/temporal.js';
import { TOXIPROXY_VERSION } from '../engines/toxiproxy.js';
import { HarnessError, UsageError } from '../errors.js';
import { distRoot } from '../paths.js';
import { spawnGroup, track, type Exit, type ManagedProcess, type SpawnOptions } from './process-group.js';

export const LAUNCHERS = ['native', 'containers'] as const;
export type LauncherKind = (typeof LAUNCHERS)[number];

/** An engine's image, and where its binary is inside. */
export interface ImageRef {
  image: string;
  bin: string;
}

/** An image given with --image: `bin` when the binary is not where the official image has it (one-binary engines). */
export interface ImageOverride {
  image: string;
  bin?: string;
}

/** An engine's binary (by file name, as `ordeal engines install` names it) → the engine and its official image. */
const OFFICIAL: Record<string, { engine: string; image?: string; bin: string }> = {
  'restate-server': { engine: 'restate', image: `docker.restate.dev/restatedev/restate:${RESTATE_VERSION}`, bin: '/usr/local/bin/restate-server' },
  temporal: { engine: 'temporal', image: `temporalio/temporal:${TEMPORAL_VERSION}`, bin: '/app/temporal' },
  'toxiproxy-server': { engine: 'toxiproxy', image: `ghcr.io/shopify/toxiproxy:${TOXIPROXY_VERSION}`, bin: '/toxiproxy' },
  daprd: { engine: 'dapr', image: `daprio/dapr:${DAPR_VERSION}`, bin: '/daprd' },
  placement: { engine: 'dapr', image: `daprio/dapr:${DAPR_VERSION}`, bin: '/placement' },
  scheduler: { engine: 'dapr', image: `daprio/dapr:${DAPR_VERSION}`, bin: '/scheduler' },
  // the Durable Task sidecar publishes no image: build one (scripts/engine-images.sh) and name it with --image
  'durabletask-go': { engine: 'durabletask', bin: '/durabletask-go' },
};

/** Per engine: each of its binaries' file name → where its official image has it (the layout local images copy). */
export function containerLayout(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [file, o] of Object.entries(OFFICIAL)) (out[o.engine] ??= {})[file] = o.bin;
  return out;
}

/** The engines a container can run, as `--image ENGINE=…` names them. */
export const CONTAINER_ENGINES = [...new Set(Object.values(OFFICIAL).map((o) => o.engine))];

/** Whether the containers launcher can run this binary (the engine need not be installed then: its image has it). */
export function runsInContainer(binary: string): boolean {
  return launcherKind() === 'containers' && Object.prototype.hasOwnProperty.call(OFFICIAL, basename(binary));
}

/** `ORDEAL_LAUNCHER` (set by `--launcher`): native (default) or containers. */
export function launcherKind(): LauncherKind {
  const v = process.env.ORDEAL_LAUNCHER?.trim() || 'native';
  if (!(LAUNCHERS as readonly string[]).includes(v))
    throw new UsageError(`--launcher '${v}': expected one of ${LAUNCHERS.join(', ')} (ORDEAL_LAUNCHER)`, 'ORD-108');
  return v as LauncherKind;
}

/**
 * `ORDEAL_IMAGES` (set by `--image`): space-separated `ENGINE=IMAGE[,bin=PATH]`, an image for an engine instead of its
 * official one; `bin` is where its binary is inside when not where the official image has it.
 */
export function imageOverrides(text = process.env.ORDEAL_IMAGES ?? ''): Record<string, ImageOverride> {
  const out: Record<string, ImageOverride> = {};
  for (const item of text.split(/\s+/).filter(Boolean)) {
    const m = /^([a-z][a-z0-9-]*)=([^,\s]+)(?:,bin=(\/\S+))?$/.exec(item);
    const engine = m?.[1];
    if (!m || !engine || !CONTAINER_ENGINES.includes(engine))
      throw new UsageError(
        `--image '${item}': expected ENGINE=IMAGE[,bin=/path/in/image] with ENGINE one of ${CONTAINER_ENGINES.join(', ')}, ` +
          `e.g. --image restate=docker.restate.dev/restatedev/restate:${RESTATE_VERSION}`,
        'ORD-109',
      );
    out[engine] = { image: m[2] as string, ...(m[3] ? { bin: m[3] } : {}) };
  }
  return out;
}

/** Checks `--launcher` and `--image` before anything starts (exit 2 on a bad value). */
export function checkLauncher(): LauncherKind {
  const kind = launcherKind();
  imageOverrides();
  return kind;
}

/** The image that runs this engine binary: the one given with --image, else the official one. */
export function imageFor(binary: string): ImageRef {
  const file = basename(binary);
  const official = OFFICIAL[file];
  if (!official)
    throw new HarnessError(
      `--launcher containers: no image is known for ${binary}; the engines that run in containers are ${CONTAINER_ENGINES.join(', ')}`,
      'ORD-307',
    );
  const given = imageOverrides()[official.engine];
  if (given) return { image: given.image, bin: given.bin ?? official.bin };
  if (!official.image)
    throw new UsageError(
      `--launcher containers: ${official.engine} publishes no official image; build one (bash scripts/engine-images.sh builds ` +
        `ordeal-local/${official.engine}) and pass --image ${official.engine}=IMAGE`,
      'ORD-109',
    );
  return { image: official.image, bin: official.bin };
}

/** The label every container of ordeal's carries: `host:pid` of the orchestrator that started it. */
export const OWNER_LABEL = 'ordeal.owner';
const owner = () => `${hostname()}:${process.pid}`;

type Testcontainers = typeof import('testcontainers');
let loaded: Promise<Testcontainers> | undefined;
/** testcontainers, loaded on first use (native runs never pay for it), without its Ryuk reaper. */
function testcontainers(): Promise<Testcontainers> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  loaded ??= import('testcontainers');
  return loaded;
}

let prepared: Promise<void> | undefined;
/** Once per orchestrator: the daemon answers, orphans of dead orchestrators are removed, and the reaper watches this one. */
function prepare(): Promise<void> {
  prepared ??= (async () => {
    const { getContainerRuntimeClient } = await testcontainers();
    try {
      await getContainerRuntimeClient();
    } catch (e) {
      throw new HarnessError(
        `--launcher containers: no Docker daemon answers (${(e as Error).message}); start dockerd, or set DOCKER_HOST`,
        'ORD-307',
      );
    }
    await sweepOrphans();
    startReaper();
  })();
  return prepared;
}

/** Removes every container of ordeal's whose orchestrator (on this host) is gone; returns how many. */
export async function sweepOrphans(): Promise<number> {
  const { getContainerRuntimeClient } = await testcontainers();
  const client = await getContainerRuntimeClient();
  const all = await client.container.dockerode.listContainers({ all: true, filters: { label: [OWNER_LABEL] } });
  let removed = 0;
  for (const c of all) {
    const [host, pid] = (c.Labels[OWNER_LABEL] ?? '').split(':');
    if (host !== hostname() || alive(Number(pid))) continue;
    await client.container.dockerode
      .getContainer(c.Id)
      .remove({ force: true })
      .then(() => removed++)
      .catch(() => undefined); // already removed (auto-remove) meanwhile
  }
  return removed;
}

/** Removes every container started by the orchestrator `host:pid`. */
export async function removeContainersOf(ownerKey: string): Promise<void> {
  const { getContainerRuntimeClient } = await testcontainers();
  const client = await getContainerRuntimeClient();
  const all = await client.container.dockerode.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${ownerKey}`] } });
  for (const c of all)
    await client.container.dockerode
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A detached process that removes this orchestrator's containers as soon as it is gone, however it went (SIGKILL too). */
function startReaper(): void {
  const child = spawn(process.execPath, [join(distRoot, 'harness/launch/container-reaper.js'), String(process.pid), owner()], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, TESTCONTAINERS_RYUK_DISABLED: 'true' },
  });
  child.unref();
}

/** The environment a container gets: what the engine's command adds to the orchestrator's, not the host's whole environment. */
function ownEnv(env: NodeJS.ProcessEnv | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) if (v !== undefined && process.env[k] !== v) out[k] = v;
  return out;
}

const signalNames = Object.fromEntries(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

/**
 * Starts `opts.command` (an engine binary, by its file name) in its engine's image with `opts.args`, the host's network
 * and `mount` bind-mounted at the same path; the container's log goes to `opts.logFile`. Its `pid` is the container's
 * first process as this host sees it, and `exited` settles when the container stops (a SIGKILL exits with 128+9).
 */
export async function startContainer(opts: SpawnOptions, mount: string, caseId: string): Promise<ManagedProcess> {
  const { image, bin } = imageFor(opts.command);
  await prepare();
  const { GenericContainer, getContainerRuntimeClient } = await testcontainers();
  const log = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  let started;
  try {
    // the daemon removes the container once it stops, however it stops (testcontainers removes only what it stops itself)
    class EngineContainer extends GenericContainer {
      constructor() {
        super(image);
        this.hostConfig.AutoRemove = true;
      }
    }
    started = await new EngineContainer()
      .withEntrypoint([bin])
      .withCommand(opts.args)
      .withNetworkMode('host')
      .withBindMounts([{ source: mount, target: mount, mode: 'rw' }])
      .withWorkingDir(opts.cwd ?? mount)
      // the user has no /etc/passwd entry inside: programs that look up the current user (Temporal's tracing) read $USER
      .withEnvironment({ USER: process.env.USER ?? 'ordeal', HOME: '/tmp', ...ownEnv(opts.env) })
      .withUser(`${uid}:${gid}`)
      .withLabels({ [OWNER_LABEL]: owner(), 'ordeal.case': caseId, 'ordeal.process': opts.name })
      .withStartupTimeout(60_000)
      .withLogConsumer((stream: Readable) => {
        if (log) stream.pipe(log);
      })
      .start();
  } catch (e) {
    log?.end();
    throw new HarnessError(`could not start ${opts.name} in a container of ${image}: ${(e as Error).message}`, 'ORD-307');
  }
  const client = await getContainerRuntimeClient();
  const container = client.container.dockerode.getContainer(started.getId());
  const info = await container.inspect().catch(() => undefined);
  const pid = info?.State.Pid ?? 0;
  const exited = container.wait().then(
    (r: { StatusCode?: number }): Exit => {
      const code = r.StatusCode ?? null;
      return code !== null && code > 128 && signalNames[code - 128] ? { code: null, signal: signalNames[code - 128]! } : { code, signal: null };
    },
    (): Exit => ({ code: null, signal: null }), // gone before the wait began (auto-removed)
  );
  void exited.then(() => log?.end());
  const proc: ManagedProcess = {
    name: opts.name,
    pid,
    container: { id: started.getId(), image },
    exited,
    signal(sig) {
      try {
        if (pid > 0) process.kill(pid, sig);
      } catch {
        // the container is already gone
      }
    },
    async stop(graceMs = 2000) {
      proc.signal('SIGTERM');
      const timer = setTimeout(() => proc.signal('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  if (pid === 0) proc.signal = () => void container.kill().catch(() => undefined);
  track(proc);
  return proc;
}

/** Starts an engine process the way `--launcher` says: a process group here, or a container of its engine's image. */
export function launchEngineProcess(opts: SpawnOptions, mount: string, caseId: string): Promise<ManagedProcess> {
  return launcherKind() === 'containers' ? startContainer(opts, mount, caseId) : Promise.resolve(spawnGroup(opts));
}
