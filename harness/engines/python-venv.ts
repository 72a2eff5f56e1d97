/** A Python engine: a virtual environment made from `python3` (3.11+), exact pins from PyPI, and ordeal's worker kit. */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { run } from './exec.js';
import { stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

export interface PythonVenvEngine {
  name: string;
  /** The framework's version, then a counter bumped whenever `requirements` changes. */
  version: string;
  description: string;
  /** The requirements file, relative to the package root (every package pinned). */
  requirements: string;
  /** The modules the worker imports: imported once installed, with no network (nothing may fetch data at run time). */
  imports: string[];
}

/** Where an engine's environment lives under the engines root. */
export const venvDir = (root: string, name: string): string => join(root, name, 'venv');

/** The engine that installs it into `<root>/<name>/venv` (`ORDEAL_PYTHON` makes it): pinned requirements, then the kit, editable. */
export function pythonVenvEngine(e: PythonVenvEngine): EngineInstall {
  const engine: EngineInstall = {
    name: e.name,
    version: e.version,
    description: e.description,
    binary: (root) => join(venvDir(root, e.name), 'bin', 'python'),
    installed: (root) => stampedAt(root, e.name, e.version, engine.binary(root)),
    async install(root: string, log: InstallLog) {
      const venv = venvDir(root, e.name);
      if (existsSync(venv)) rmSync(venv, { recursive: true, force: true }); // a half-made or older environment
      mkdirSync(join(root, e.name), { recursive: true });
      const py = process.env.ORDEAL_PYTHON || 'python3';
      const version = await run(
        py,
        ['-c', 'import sys; print("%d.%d" % sys.version_info[:2]); assert sys.version_info >= (3, 11), "needs Python 3.11+"'],
        log,
      );
      log(`python ${version.trim()} (${py})`);
      await run(py, ['-m', 'venv', venv], log);
      const pip = join(venv, 'bin', 'pip');
      const quiet = ['--no-input', '--disable-pip-version-check', '--progress-bar', 'off'];
      await run(pip, ['install', ...quiet, '-r', join(packageRoot, e.requirements)], log);
      await run(pip, ['install', ...quiet, '--no-deps', '-e', join(packageRoot, 'python')], log);
      await run(engine.binary(root), ['-c', `import ${e.imports.join(', ')}`], log);
      writeStamp(root, e.name, e.version);
    },
  };
  return engine;
}
