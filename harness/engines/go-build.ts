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
import type { InstallLog } from './types.js';

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
  writeFileSync(
    join(dir, 'go.mod'),
    `module ordeal.local/engine-build\n\ngo 1.23\n\nrequire ${spec.module} ${spec.version}\n`,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOFLAGS: '-mod=mod -buildvcs=false',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
  };
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
