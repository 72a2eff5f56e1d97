/**
 * Builds a Go main package at a pinned module version into one binary, from the Go module proxy.
 *
 * `go install pkg@version` is avoided on purpose: it reads the module's version list to check for
 * deprecation, and the proxy answers 403 for that list on some modules (durabletask-go). A throwaway
 * module that requires the pinned version and `go build -o` needs only the version's own files.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './exec.js';
import { stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

/** The environment every engine build runs `go` in: modules from the proxy, the local toolchain, static binaries. */
export function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
}

export interface GoBuild {
  /** Module path, e.g. `github.com/Shopify/toxiproxy/v2`. */
  module: string;
  /** Module version with the leading v, e.g. `v2.12.0`. */
  version: string;
  /** Import path of the main package, e.g. `github.com/Shopify/toxiproxy/v2/cmd/server`. */
  pkg: string;
  /** Absolute path of the binary to write. */
  out: string;
  /** `-X importpath.name=value` settings for the linker. */
  ldflagsX?: string[];
}

export async function goBuild(root: string, spec: GoBuild, log: InstallLog): Promise<void> {
  const dir = join(root, '.build', spec.pkg.replace(/[^A-Za-z0-9]+/g, '-'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(dirname(spec.out), { recursive: true });
  writeFileSync(join(dir, 'go.mod'), `module ordeal.local/engine-build\n\ngo 1.23\n\nrequire ${spec.module} ${spec.version}\n`);
  const env = goEnv();
  const ldflags = ['-s', '-w', ...(spec.ldflagsX ?? []).map((x) => `-X ${x}`)].join(' ');
  log(`go build ${spec.pkg}@${spec.version} -> ${spec.out}`);
  try {
    await run('go', ['build', '-trimpath', '-ldflags', ldflags, '-o', spec.out, spec.pkg], log, {
      cwd: dir,
      env,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface GoEngine extends Omit<GoBuild, 'out' | 'version'> {
  name: string;
  /** The pinned version, without the leading v. */
  version: string;
  description: string;
  /** File name of the binary under `<root>/bin/`. */
  binaryName: string;
  /** Arguments of a harmless run after the build that shows the binary starts (its output goes to the log). */
  smoke: { args: string[]; mayFail?: boolean };
}

/** An engine that is one Go main package at a pinned module version, built into `<root>/bin/<binaryName>`. */
export function goEngine(g: GoEngine): EngineInstall {
  const binary = (root: string): string => join(root, 'bin', g.binaryName);
  return {
    name: g.name,
    version: g.version,
    description: g.description,
    binary,
    installed: (root) => stampedAt(root, g.name, g.version, binary(root)),
    async install(root: string, log: InstallLog) {
      await goBuild(
        root,
        { module: g.module, version: `v${g.version}`, pkg: g.pkg, out: binary(root), ...(g.ldflagsX ? { ldflagsX: g.ldflagsX } : {}) },
        log,
      );
      const smoke = run(binary(root), g.smoke.args, log);
      await (g.smoke.mayFail ? smoke.catch(() => undefined) : smoke);
      writeStamp(root, g.name, g.version);
    },
  };
}
