/**
 * Local images of the installed engines, for machines that can run containers but reach no image registry: each image is
 * the engine's static binary from `.engines/` at the path its official image has it (and the host's CA bundle), on an empty root filesystem
 * (`docker import` of a tar: no base image to pull). `ordeal engines images` builds them and prints the `--image` flags.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { engines } from '../engines/registry.js';
import { daprBinary } from '../engines/daprd.js';
import { HarnessError } from '../errors.js';
import { containerLayout } from './containers.js';

const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface LocalImage {
  engine: string;
  image: string;
  /** What was built, or why not (the engine is not installed). */
  status: 'built' | 'not installed';
}

/** The binaries of an installed engine that go into its image. */
function binariesOf(engine: string, root: string): string[] {
  if (engine === 'dapr') return (['daprd', 'placement', 'scheduler'] as const).map((n) => daprBinary(root, n));
  return [engines[engine]!.binary(root)];
}

/** The engine's pinned version, as its install recipe names it. */
const versionOf = (engine: string) => engines[engine === 'dapr' ? 'daprd' : engine]!.version;

/** Builds `ordeal-local/ENGINE:VERSION` for every installed engine that runs in containers. */
export function buildLocalImages(root: string, log: (line: string) => void = () => undefined): LocalImage[] {
  const docker = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' });
  if (docker.status !== 0)
    throw new HarnessError(`ordeal engines images: no Docker daemon answers (${(docker.stderr || docker.error?.message || '').trim()})`, 'ORD-307');
  const out: LocalImage[] = [];
  for (const [engine, layout] of Object.entries(containerLayout())) {
    const image = `ordeal-local/${engine}:${versionOf(engine)}`;
    const sources = binariesOf(engine, root);
    if (!engines[engine === 'dapr' ? 'daprd' : engine]!.installed(root) || sources.some((s) => !existsSync(s))) {
      out.push({ engine, image, status: 'not installed' });
      continue;
    }
    const stage = join(root, '.build', 'images', engine);
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(join(stage, 'tmp'), { recursive: true });
    chmodSync(join(stage, 'tmp'), 0o1777);
    // TLS clients in the engines (Restate's OTLP exporter) want the system's CA bundle, as the official images have it
    if (existsSync(CA_BUNDLE)) {
      mkdirSync(join(stage, dirname(CA_BUNDLE)), { recursive: true });
      copyFileSync(CA_BUNDLE, join(stage, CA_BUNDLE));
    }
    for (const src of sources) {
      const dest = join(stage, layout[basename(src)] ?? `/${basename(src)}`);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(src, dest);
      chmodSync(dest, 0o755);
    }
    const main = layout[basename(sources[0]!)]!;
    log(`${image}: docker import of ${sources.map((s) => basename(s)).join(', ')}`);
    const r = spawnSync('sh', ['-c', 'tar -C "$1" -c . | docker import --change "$2" - "$3"', 'sh', stage, `ENTRYPOINT ["${main}"]`, image], {
      encoding: 'utf8',
    });
    rmSync(stage, { recursive: true, force: true });
    if (r.status !== 0) throw new HarnessError(`docker import of ${image} failed: ${r.stderr.trim()}`, 'ORD-307');
    out.push({ engine, image, status: 'built' });
  }
  return out;
}
