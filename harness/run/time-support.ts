/** What an adapter's manifest declares for the time-and-change faults (`deploy`, `clock-jump`). Light: manifests import it. */
import type { DeployChange } from '../agent/deploy.js';
import type { OptionSchema } from './options.js';

/** How a version 2 of an adapter's agent ships (manifest `deploy`). */
export interface DeploySupport {
  /** The changes its version 2 can carry. */
  changes: readonly DeployChange[];
  /** One line: how the framework's users ship version 2 (what the restarted worker runs). */
  how: string;
  /** The framework's own versioning tool `--opt versioning=on` uses (e.g. Temporal's patched()); absent: none. */
  versioning?: string;
  /**
   * One line: how version 2 runs beside version 1 in a blue-green deploy (`deploy rollout=blue-green`), e.g. Restate's
   * new deployment on its own endpoint. Absent: `rollout=blue-green` is refused (exit 2).
   */
  blueGreen?: string;
}

/** Whether libfaketime, preloaded, moves the engine's wall clock: only an engine that reads the clock through libc. */
export type EngineClock = { libc: true } | { libc: false; why: string };

/** Why a statically linked Go binary cannot be skewed (Temporal's CLI, daprd, durabletask-go). */
export const GO_STATIC_CLOCK =
  'a statically linked Go binary: it reads the clock through the vDSO without libc, so a preloaded libfaketime cannot move it';

/** `--opt versioning=off|on`, for the manifests whose `deploy` names a versioning tool. */
export const versioningOptions = {
  versioning: {
    type: 'choice',
    choices: ['off', 'on'],
    default: 'off',
    description: "deploy: version 2 guards its change with the framework's own versioning tool (on) or ships it as plain new code (off)",
  },
} as const satisfies OptionSchema;
