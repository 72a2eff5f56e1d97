/** Refusing, before any case starts, a time-and-change fault the adapter cannot run (exit 2). */
import { adapterManifest, adapterManifests } from '../../adapters/index.js';
import { DEPLOY_CHANGES, DEPLOY_ROLLOUTS } from '../agent/deploy.js';
import { enginesRoot } from '../engines/index.js';
import { faketimePreload } from '../engines/faketime.js';
import { UsageError } from '../errors.js';
import { textOf } from '../json.js';
import type { Schedule } from '../store/index.js';

const supporting = (): string =>
  adapterManifests()
    .filter((m) => m.deploy)
    .map((m) => m.name)
    .join(', ') || 'none';

/**
 * Refuses (UsageError, exit 2) a `deploy` on an adapter whose manifest does not declare it, a change it does not carry
 * or a blue-green rollout it cannot run, `--opt versioning=on` without a versioning tool, a `clock-jump target=engine`
 * on an engine libfaketime cannot move, and any clock-jump when libfaketime is not installed.
 */
export function checkTimeFaults(schedule: Schedule, adapter: string): void {
  const m = adapterManifest(adapter);
  for (const spec of schedule) {
    if (spec.fault === 'deploy') {
      if (!m.deploy)
        throw new UsageError(
          `fault deploy is not supported by adapter '${adapter}': its manifest declares no deploy support (how a version 2 of its agent ships); adapters that do: ${supporting()}`,
          'ORD-113',
        );
      const change = textOf(spec.change ?? DEPLOY_CHANGES[0]);
      if (!(m.deploy.changes as readonly string[]).includes(change))
        throw new UsageError(
          `fault deploy change=${change} is not supported by adapter '${adapter}': expected one of ${m.deploy.changes.join(', ')}`,
          'ORD-114',
        );
      if (textOf(spec.rollout ?? DEPLOY_ROLLOUTS[0]) === 'blue-green' && !m.deploy.blueGreen) {
        const can = adapterManifests()
          .filter((x) => x.deploy?.blueGreen)
          .map((x) => x.name);
        throw new UsageError(
          `fault deploy rollout=blue-green is not supported by adapter '${adapter}': its manifest does not say how version 2 runs beside version 1 (deploy.blueGreen); use rollout=rolling, or an adapter that does: ${can.join(', ') || 'none'}`,
          'ORD-119',
        );
      }
    }
    if (spec.fault === 'clock-jump') {
      if (textOf(spec.target ?? 'worker') !== 'engine') {
        if (m.workerClock && !m.workerClock.libc)
          throw new UsageError(`fault clock-jump target=worker cannot skew adapter '${adapter}''s worker: ${m.workerClock.why}`, 'ORD-118');
      } else if (!m.hasEngine) {
        throw new UsageError(`fault clock-jump target=engine: adapter '${adapter}' has no engine process (use target=worker)`, 'ORD-115');
      } else if (!m.engineClock?.libc) {
        const why = m.engineClock ? m.engineClock.why : 'its manifest does not declare that its engine reads the clock through libc (engineClock)';
        throw new UsageError(`fault clock-jump target=engine cannot skew adapter '${adapter}''s engine: ${why}; use target=worker`, 'ORD-116');
      }
      if (!faketimePreload(enginesRoot()))
        throw new UsageError(
          `fault clock-jump needs libfaketime and ordeal's monotonic-sleep preload, not installed in ${enginesRoot()}: run \`ordeal engines install faketime\``,
          'ORD-117',
        );
    }
  }
}
