/** What every installable engine looks like: a pinned version, a recipe and a binary path. */

/** Receives one line of installer output at a time. */
export type InstallLog = (line: string) => void;

export interface EngineInstall {
  /** Key in the `engines` table and the CLI name: `ordeal engines install <name>`. */
  name: string;
  /** The pinned version that `install` brings in and the stamp records. */
  version: string;
  /** One line: what the engine is and where it comes from. */
  description: string;
  /** Absolute path of the real executable (never a JS or shell wrapper), so a SIGKILL hits the server. */
  binary(root: string): string;
  /** One line `ordeal engines status` adds about the installed engine, e.g. which runtime runs it. */
  note?(root: string): string | undefined;
  /** True when the binary exists and the stamp records the pinned version. */
  installed(root: string): boolean;
  /** Installs the pinned version under `root` (writes the stamp last). */
  install(root: string, log: InstallLog): Promise<void>;
  /** A build of minutes (daprd's): started first, so the other installs run beside it. */
  slow?: boolean;
}

export interface InstallOptions {
  /** The engines folder; defaults to `enginesRoot()`. */
  root?: string;
  /** Receives installer output; defaults to discarding it. */
  log?: InstallLog;
  /** Reinstall even when the stamp says the pinned version is there. */
  force?: boolean;
  /** Installs run at a time (default 2: a download or a pip install beside a Go build). */
  jobs?: number;
}

export interface InstallResult {
  name: string;
  version: string;
  status: 'installed' | 'skipped' | 'failed';
  /** Absolute path of the binary. */
  path: string;
  /** Wall-clock time of this install, 0 when skipped. */
  ms: number;
  /** Why it failed, when status is 'failed'. */
  error?: string;
}

export interface EngineStatusRow {
  name: string;
  version: string;
  installed: boolean;
  path: string;
  /** The command that installs it. */
  hint: string;
  /** What the engine adds about itself when installed (e.g. Conductor's Java runtime). */
  note?: string;
}
