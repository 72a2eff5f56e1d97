/**
 * Temporal's Worker Versioning (`--opt workerVersioning=pinned`): every worker polls as a version of the Worker
 * Deployment `ordeal-agent` (build id `1`, or `2-<change>` for version 2 of the agent), and its workflows are PINNED to
 * the version they began on. A worker of a newer version than the deployment's current one makes itself current once
 * it polls, the step a deploy pipeline runs (`temporal worker deployment set-current-version`) once the new workers
 * are up: new workflows start on it, pinned ones stay where they began.
 */
import type { Client } from '@temporalio/client';
import type { AgentVersion } from '../../harness/agent/deploy.js';
import { NAMESPACE } from './shared.js';

/** The Worker Deployment every versioned worker of a case belongs to. */
export const DEPLOYMENT_NAME = 'ordeal-agent';

/** A worker's build id: its agent version (and version 2's change). */
export const buildIdOf = (v: AgentVersion): string => (v.version === 1 ? '1' : `2-${v.change}`);

/** The agent version a build id stands for. */
const versionOf = (buildId: string): number => Number(buildId.split('-')[0]);

/** What opts a worker in (`Worker.create`'s `workerDeploymentOptions`). */
export const deploymentOptions = (v: AgentVersion) =>
  ({
    useWorkerVersioning: true,
    version: { deploymentName: DEPLOYMENT_NAME, buildId: buildIdOf(v) },
    defaultVersioningBehavior: 'PINNED',
  }) as const;

/** The deployment's versions that have polled and its current one; undefined before any versioned worker polled. */
async function describe(client: Client): Promise<{ versions: string[]; current: string | undefined } | undefined> {
  try {
    const info = (await client.workflowService.describeWorkerDeployment({ namespace: NAMESPACE, deploymentName: DEPLOYMENT_NAME }))
      .workerDeploymentInfo;
    return {
      versions: (info?.versionSummaries ?? []).map((s) => s.deploymentVersion?.buildId ?? '').filter(Boolean),
      current: info?.routingConfig?.currentDeploymentVersion?.buildId || undefined,
    };
  } catch (e) {
    if ((e as { code?: number }).code === 5) return undefined; // NOT_FOUND: no versioned worker has polled yet
    throw e;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RESOURCE_EXHAUSTED: the server rate-limits the requests to one Worker Deployment (seen on a loaded machine). */
const rateLimited = (e: unknown): boolean => (e as { code?: number }).code === 8;

/**
 * Waits until this worker's version has polled, then makes it the current version if there is none yet or the
 * current one is of an older agent version (a restarted version 1 beside a current version 2 leaves it so).
 */
export async function promoteOwnVersion(client: Client, v: AgentVersion, timeoutMs = 30_000): Promise<void> {
  const mine = buildIdOf(v);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let d: Awaited<ReturnType<typeof describe>>;
    try {
      d = await describe(client);
    } catch (e) {
      if (!rateLimited(e) || Date.now() > deadline) throw e;
      await sleep(500);
      continue;
    }
    if (d?.versions.includes(mine)) {
      if (d.current !== undefined && versionOf(d.current) >= v.version) return;
      try {
        await client.workflowService.setWorkerDeploymentCurrentVersion({ namespace: NAMESPACE, deploymentName: DEPLOYMENT_NAME, buildId: mine });
        return;
      } catch (e) {
        // FAILED_PRECONDITION: the server has not yet seen this version poll every task queue the current one polls
        // (its workflow and activity pollers arrive one after the other); a pipeline waits for them too
        if (((e as { code?: number }).code !== 9 && !rateLimited(e)) || Date.now() > deadline) throw e;
      }
    }
    if (Date.now() > deadline)
      throw new Error(`temporal worker: version ${mine} of deployment ${DEPLOYMENT_NAME} was not seen polling in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Resolves once the deployment's current version is of agent version `atLeast` or newer (the orchestrator's wait before it submits). */
export async function currentVersionReady(client: Client, atLeast: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let current: string | undefined;
    try {
      current = (await describe(client))?.current;
    } catch (e) {
      if (!rateLimited(e) || Date.now() > deadline) throw e;
    }
    if (current !== undefined && versionOf(current) >= atLeast) return;
    if (Date.now() > deadline)
      throw new Error(
        `no version ${atLeast} of Worker Deployment ${DEPLOYMENT_NAME} became current in ${timeoutMs} ms (current: ${current ?? 'none'})`,
      );
    await sleep(100);
  }
}
