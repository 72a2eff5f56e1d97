/**
 * Full Dapr (daprd, placement, scheduler) built from the pinned `github.com/dapr/dapr` module.
 *
 * `daprRuntime()` is the recipe for one dapr release; `daprd` is the one runtime both Dapr adapters run on (the
 * JavaScript `dapr` adapter's full mode and `dapr-agents`), part of a plain `ordeal engines install`.
 * daprd registers its components in `cmd/daprd/components`, one file per component behind the
 * `stablecomponents`/`allcomponents` tags; building with a tag compiles every component's SDK. We
 * copy the module's source into a build folder, replace its untagged `zz_notag.go` (a panic) with
 * `harness/engines/daprd-build/components.go.in` (SQLite state store, SQLite name resolution, in-memory pub/sub)
 * and build without tags: the wrapper module points `github.com/dapr/dapr` at that copy.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../paths.js';
import { run } from './exec.js';
import { goEnv } from './go-build.js';
import { isExecutable, stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

export const DAPR_VERSION = '1.18.2';
const MODULE = 'github.com/dapr/dapr';
const wrapperDir = join(packageRoot, 'harness', 'engines', 'daprd-build');

type DaprBinary = 'daprd' | 'placement' | 'scheduler';

/** The three binaries share one folder: `<root>/daprd/bin/{daprd,placement,scheduler}`. */
export const daprBinary = (root: string, name: DaprBinary): string => join(root, 'daprd', 'bin', name);

export interface DaprRuntime {
  /** The engine's name (and its folder under the engines root). */
  name: string;
  /** The dapr module version, without the leading v. */
  version: string;
  /** The wrapper module (go.mod, go.sum, cmd/) and `components.go.in` this build uses. */
  wrapperDir: string;
  description: string;
}

/** `<root>/<name>/bin/<binary>`. */
export const daprRuntimeBinary = (root: string, name: string, binary: DaprBinary): string => join(root, name, 'bin', binary);

/** An engine that builds daprd, placement and scheduler of one dapr release with the component list of its wrapper. */
export function daprRuntime(r: DaprRuntime): EngineInstall {
  const bin = (root: string, name: DaprBinary) => daprRuntimeBinary(root, r.name, name);
  const engine: EngineInstall = {
    name: r.name,
    version: r.version,
    description: r.description,
    slow: true, // the go build of three commands takes minutes
    binary(root) {
      return bin(root, 'daprd');
    },
    installed(root) {
      return stampedAt(root, r.name, r.version, bin(root, 'daprd')) && isExecutable(bin(root, 'placement')) && isExecutable(bin(root, 'scheduler'));
    },
    async install(root: string, log: InstallLog) {
      const build = join(root, '.build', r.name);
      rmSync(build, { recursive: true, force: true });
      mkdirSync(build, { recursive: true });
      const env = goEnv();
      try {
        const wrapper = join(build, 'wrapper');
        cpSync(join(r.wrapperDir, 'go.mod'), join(wrapper, 'go.mod'));
        // the recorded checksums verify what the proxy serves
        cpSync(join(r.wrapperDir, 'go.sum'), join(wrapper, 'go.sum'));
        cpSync(join(r.wrapperDir, 'cmd'), join(wrapper, 'cmd'), { recursive: true });
        // where the proxy's copy of the pinned module lives (downloads it if needed)
        const listing = await run('go', ['mod', 'download', '-json', `${MODULE}@v${r.version}`], () => undefined, { cwd: wrapper, env });
        // stderr ("go: downloading …") is merged into the output: keep the JSON object only
        const info = JSON.parse(listing.slice(listing.indexOf('{'), listing.lastIndexOf('}') + 1)) as { Dir?: string };
        if (!info.Dir) throw new Error(`go mod download did not report a directory for ${MODULE}@v${r.version}`);
        const src = join(build, 'dapr');
        cpSync(info.Dir, src, { recursive: true });
        await run('chmod', ['-R', 'u+w', src], log);
        const notag = join(src, 'cmd', 'daprd', 'components', 'zz_notag.go');
        writeFileSync(notag, readFileSync(join(r.wrapperDir, 'components.go.in')));
        await run('go', ['mod', 'edit', `-replace=${MODULE}=../dapr`], log, { cwd: wrapper, env });
        const out = bin(root, 'daprd');
        mkdirSync(dirname(out), { recursive: true });
        log(`go build ${MODULE}@v${r.version} cmd/{daprd,placement,scheduler} -> ${dirname(out)}/`);
        await run(
          'go',
          ['build', '-trimpath', '-ldflags', '-s -w', '-o', `${dirname(out)}/`, './cmd/daprd', './cmd/placement', './cmd/scheduler'],
          log,
          { cwd: wrapper, env },
        );
      } finally {
        rmSync(build, { recursive: true, force: true });
      }
      writeStamp(root, r.name, r.version);
    },
  };
  return engine;
}

export const daprd: EngineInstall = daprRuntime({
  name: 'daprd',
  version: DAPR_VERSION,
  wrapperDir,
  description: `Dapr ${DAPR_VERSION} daprd + placement + scheduler (go build; SQLite state and name resolution, in-memory pub/sub)`,
});
