/**
 * Full Dapr (daprd, placement, scheduler) built from the pinned `github.com/dapr/dapr` module.
 *
 * Opt-in: a plain `ordeal engines install` skips it unless ORDEAL_DAPR_FULL=1 (the build is long).
 * daprd registers its components in `cmd/daprd/components`, one file per component behind the
 * `stablecomponents`/`allcomponents` tags; building with a tag compiles every component's SDK. We
 * copy the module's source into a build folder, replace its untagged `zz_notag.go` (a panic) with
 * `adapters/dapr/daprd-build/components.go.in` (SQLite state store + SQLite name resolution only)
 * and build without tags: the wrapper module points `github.com/dapr/dapr` at that copy.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../paths.js';
import { run } from './exec.js';
import { goEnv } from './go-build.js';
import { isExecutable, stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

export const DAPR_VERSION = '1.16.0';
const MODULE = 'github.com/dapr/dapr';
const wrapperDir = join(packageRoot, 'adapters', 'dapr', 'daprd-build');

/** The three binaries share one folder: `<root>/daprd/bin/{daprd,placement,scheduler}`. */
export const daprBinary = (root: string, name: 'daprd' | 'placement' | 'scheduler'): string => join(root, 'daprd', 'bin', name);

export const daprd: EngineInstall = {
  name: 'daprd',
  version: DAPR_VERSION,
  description: `Dapr ${DAPR_VERSION} daprd + placement + scheduler (go build, SQLite components only; opt-in: ORDEAL_DAPR_FULL=1)`,
  optInEnv: 'ORDEAL_DAPR_FULL',
  binary(root) {
    return daprBinary(root, 'daprd');
  },
  installed(root) {
    return (
      stampedAt(root, daprd.name, daprd.version, daprd.binary(root)) &&
      isExecutable(daprBinary(root, 'placement')) &&
      isExecutable(daprBinary(root, 'scheduler'))
    );
  },
  async install(root: string, log: InstallLog) {
    const build = join(root, '.build', 'daprd');
    rmSync(build, { recursive: true, force: true });
    mkdirSync(build, { recursive: true });
    const env = goEnv();
    try {
      const wrapper = join(build, 'wrapper');
      cpSync(join(wrapperDir, 'go.mod'), join(wrapper, 'go.mod'));
      // the recorded checksums verify what the proxy serves
      cpSync(join(wrapperDir, 'go.sum'), join(wrapper, 'go.sum'));
      cpSync(join(wrapperDir, 'cmd'), join(wrapper, 'cmd'), { recursive: true });
      // where the proxy's copy of the pinned module lives (downloads it if needed)
      const listing = await run('go', ['mod', 'download', '-json', `${MODULE}@v${DAPR_VERSION}`], () => undefined, { cwd: wrapper, env });
      // stderr ("go: downloading …") is merged into the output: keep the JSON object only
      const info = JSON.parse(listing.slice(listing.indexOf('{'), listing.lastIndexOf('}') + 1)) as { Dir?: string };
      if (!info.Dir) throw new Error(`go mod download did not report a directory for ${MODULE}@v${DAPR_VERSION}`);
      const src = join(build, 'dapr');
      cpSync(info.Dir, src, { recursive: true });
      await run('chmod', ['-R', 'u+w', src], log);
      const notag = join(src, 'cmd', 'daprd', 'components', 'zz_notag.go');
      writeFileSync(notag, readFileSync(join(wrapperDir, 'components.go.in')));
      await run('go', ['mod', 'edit', `-replace=${MODULE}=../dapr`], log, { cwd: wrapper, env });
      const out = daprBinary(root, 'daprd');
      mkdirSync(dirname(out), { recursive: true });
      log(`go build ${MODULE}@v${DAPR_VERSION} cmd/{daprd,placement,scheduler} -> ${dirname(out)}/`);
      await run(
        'go',
        ['build', '-trimpath', '-ldflags', '-s -w', '-o', `${dirname(out)}/`, './cmd/daprd', './cmd/placement', './cmd/scheduler'],
        log,
        { cwd: wrapper, env },
      );
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
    writeStamp(root, daprd.name, daprd.version);
  },
};
