/**
 * The dbos adapter: the agent workflow runs in the worker with DBOS Transact; the orchestrator creates the case's
 * database, enqueues the run, sends the human's decision and reads the outcome with a `DBOSClient` on the same database.
 * The database is on the shared server, or, for a case with machine faults, on a PostgreSQL cluster of the case's own
 * on its data directory, run as the adapter's engine (cluster.ts).
 */
import { join } from 'node:path';
import { DBOSClient, type DLogger } from '@dbos-inc/dbos-sdk';
// DBOS.migrate does the same with a console logger, whose lines would land on ordeal's stderr
import { migrateSystemDatabase } from '@dbos-inc/dbos-sdk/internal/system_database';
import { GlobalLogger } from '@dbos-inc/dbos-sdk/internal/telemetry/logs';
import { UnexpectedStep } from '@dbos-inc/dbos-sdk/internal/error';
import { agentTask, approvalResult } from '../../harness/agent/index.js';
import { HarnessError } from '../../harness/errors.js';
import { distRoot } from '../../harness/paths.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { workerEnv, type Adapter, type AdapterContext, type EngineSpec, type RunHandle } from '../../harness/run/adapter.js';
import type { Outcome } from '../../harness/store/types.js';
import { AGENT, APP_NAME, QUEUE, type AgentOutput } from './agent-workflow.js';
import { clusterCommand, clusterReady } from './cluster.js';
import { addressOf, caseDatabaseName, commitLatencies, createCaseDatabase, dropCaseDatabase, withDatabase } from './database.js';
import { redactUrl } from '../langgraph/manifest.js';
import { dbosManifest } from './manifest.js';

/** The client's own log lines would land on ordeal's stderr: only its errors are kept, on stderr. */
const quiet: DLogger = {
  info: () => undefined,
  debug: () => undefined,
  warn: () => undefined,
  error: (e: unknown) => console.error(`dbos client: ${e instanceof Error ? e.message : String(e)}`),
};

/**
 * A workflow error as DBOS stored it, as text. DBOS's non-determinism error (the step recorded at a function id is not
 * the one the code calls there) comes back from the system database as a plain Error with its code: it is named.
 */
function errorText(e: unknown): string {
  const o = e && typeof e === 'object' ? (e as { message?: unknown; dbosErrorCode?: unknown }) : undefined;
  const message = o && 'message' in o ? String(o.message) : String(e);
  return o?.dbosErrorCode === UnexpectedStep ? `DBOSUnexpectedStepError: ${message}` : message;
}

/**
 * Why a PENDING workflow will never go on, if it will not: it belongs to an application version no worker runs any
 * more, `latest` being the one a worker registered last. DBOS recovers (and dequeues) only the workflows of its
 * executor's own version, and a deploy starts every worker on the new version, so a run left PENDING on the old one
 * stays PENDING (DBOS's docs: a blue-green deploy keeps the old version's processes until its workflows are done).
 * Reported as the run's failure, as the temporal adapter reports a workflow stuck on non-determinism, rather than
 * waiting for the case's timeout.
 */
function stranded(s: { workflowID: string; applicationVersion?: string }, latest: string | undefined): string | undefined {
  if (!s.applicationVersion || !latest || latest === s.applicationVersion) return undefined;
  return (
    `stranded: DBOS workflow ${s.workflowID} stays PENDING on application version ${s.applicationVersion}, and the workers run ${latest}: ` +
    'DBOS recovers only the workflows of its own application version, and no worker of the old one is left'
  );
}

/** How often a PENDING run's poll also reads the latest application version (one more query). */
const LATEST_VERSION_EVERY_MS = 1000;

/**
 * `p`, or a rejection after `ms`: the client retries a database it cannot reach for as long as that lasts (a server
 * that a full disk stopped for good), and a poll that never returns would hold the case past its timeout.
 */
async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`dbos: ${what} got no answer from PostgreSQL in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function dbosAdapter(): Adapter {
  /** The case's database; `own`: on the case's own cluster, which ends with the case (nothing to drop). */
  let database: { server: string; name: string; url: string; keep: boolean; own: boolean } | undefined;
  let client: Promise<DBOSClient> | undefined;
  /** Runs whose case deployed version 2 blue-green (version 1's worker kept running beside it). */
  const blueGreen = new Set<string>();
  /** The latest application version, as last read, and when. */
  let latest: { name: string; at: number } | undefined;
  const latestVersion = async (c: DBOSClient, fresh = false): Promise<string> => {
    if (fresh || !latest || Date.now() - latest.at >= LATEST_VERSION_EVERY_MS)
      latest = { name: (await bounded(c.getLatestApplicationVersion(), 5000, 'the latest application version')).versionName, at: Date.now() };
    return latest.name;
  };
  const db = () => {
    if (!database) throw new HarnessError("dbos: the case's database was not created before the worker", 'ORD-362');
    return database;
  };
  const clientOf = (): Promise<DBOSClient> =>
    (client ??= DBOSClient.create({
      systemDatabaseUrl: db().url,
      applicationName: APP_NAME,
      logger: quiet,
      systemDatabasePoolSize: 2,
      systemDatabaseIdleTransactionTimeoutMs: 0,
    }));

  /** The case's database on the server of `server`, with DBOS's system schema, before the first worker starts. */
  const prepare = async (ctx: AdapterContext, server: string, own: boolean): Promise<string> => {
    const o = parseAdapterOptions(dbosManifest, ctx.options);
    const name = caseDatabaseName(ctx.runId);
    const url = await createCaseDatabase(server, name);
    database = { server, name, url, keep: o.keepDatabase, own };
    await migrateSystemDatabase(url, new GlobalLogger(undefined, { logger: quiet }));
    return url;
  };
  const closeClient = async (): Promise<void> => {
    const c = client;
    client = undefined;
    await (await c?.catch(() => undefined))?.destroy();
  };
  /** A case with machine faults: its own PostgreSQL cluster on the data directory, which a power cut kills and restarts. */
  const cluster: EngineSpec = {
    name: 'postgres',
    command: clusterCommand,
    ready: (_ctx, handle, timeoutMs, signal) => clusterReady(handle, timeoutMs, signal),
    setup: async (ctx, handle) => void (await prepare(ctx, handle.url, true)),
    // the case is over: the client lets go of its connections, which the server's (smart) shutdown would wait for
    settle: closeClient,
  };

  return {
    name: 'dbos',
    engine: (_options, ctx) => (ctx?.faultDisk ? cluster : undefined),
    /** A database of the case's own on the configured server (a case without machine faults). */
    async service(ctx: AdapterContext) {
      const url = await prepare(ctx, parseAdapterOptions(dbosManifest, ctx.options).postgresUrl, false);
      const [, port] = addressOf(url).split(':');
      return { url, ports: { postgres: Number(port) }, linkAddress: addressOf(url) };
    },
    worker(ctx, deployment = 1) {
      // a blue-green deploy keeps version 1's worker beside version 2's: a run on version 1 is not stranded
      if (deployment > 1) blueGreen.add(ctx.runId);
      // the worker dials PostgreSQL at the link address: a Toxiproxy in front of it when a net fault targets the engine
      const url = withDatabase(db().url, db().name, ctx.engine?.linkAddress);
      return {
        command: process.execPath,
        args: [join(distRoot, 'adapters/dbos/worker.js')],
        env: { ...workerEnv(ctx), ORDEAL_DBOS_DATABASE_URL: url },
      };
    },
    async submit(ctx) {
      // the workflow id is the run id: enqueueing it twice returns the same run. No application version: a worker of
      // the latest version dequeues it and stamps its own on it (a deploy before the dequeue leaves it to version 2)
      const c = await clientOf();
      await c.enqueue({ queueName: QUEUE, workflowName: AGENT, workflowID: ctx.runId }, agentTask(ctx.scenario, ctx.options));
      return { id: ctx.runId };
    },
    async approve(_ctx, handle: RunHandle, decision) {
      // on the approval id's topic, with the approval id as the send's idempotency key: a decision sent twice arrives once
      const send = async () => (await clientOf()).send(handle.id, approvalResult(decision), decision.approvalId, `approval:${decision.approvalId}`);
      await bounded(send(), 10_000, `the approval ${decision.approvalId}`);
    },
    async outcome(_ctx, handle): Promise<Outcome> {
      const read = async () => {
        const c = await clientOf();
        return { c, s: await c.getWorkflow(handle.id) };
      };
      const { c, s } = await bounded(read(), 5000, `the status of ${handle.id}`);
      if (s?.status === 'SUCCESS') return { status: 'completed', answer: String((s.output as AgentOutput | undefined)?.answer ?? '') };
      if (s?.status === 'ERROR') return { status: 'failed', error: errorText(s.error) };
      if (s?.status === 'CANCELLED' || s?.status === 'MAX_RECOVERY_ATTEMPTS_EXCEEDED')
        return { status: 'failed', error: `DBOS workflow ${handle.id} is ${s.status}` };
      // a version other than the latest as last read is read again before it counts (a new worker may have launched)
      const kept = blueGreen.has(handle.id);
      const left = !kept && s?.status === 'PENDING' && stranded(s, await latestVersion(c)) ? stranded(s, await latestVersion(c, true)) : undefined;
      return left ? { status: 'failed', error: left } : { status: 'running' };
    },
    /** PostgreSQL's own commit on a scratch database of the configured server: a one-row INSERT, autocommit. */
    async commitFloor(n) {
      const o = parseAdapterOptions(dbosManifest, {});
      const name = caseDatabaseName(`commit-floor-${process.pid}`);
      const url = await createCaseDatabase(o.postgresUrl, name);
      try {
        return { store: `PostgreSQL (${redactUrl(o.postgresUrl)})`, latenciesMs: await commitLatencies(url, n) };
      } finally {
        await dropCaseDatabase(o.postgresUrl, name).catch(() => undefined);
      }
    },
    async close() {
      await closeClient();
      const d = database;
      database = undefined;
      if (d && !d.keep && !d.own) await dropCaseDatabase(d.server, d.name).catch(() => undefined);
    },
  };
}
