/** The dbos adapter's PostgreSQL: one database per case on the server ORDEAL_POSTGRES_URL names, created before the worker and dropped after. */
import { createHash } from 'node:crypto';
import { HarnessError } from '../../harness/errors.js';
import { redactUrl } from '../langgraph/manifest.js';

/** Every worker of a case is this one DBOS executor: a restarted worker recovers the runs the killed one left PENDING. */
export const EXECUTOR_ID = 'ordeal-worker';
/** How often the worker's queue runner looks for enqueued runs (DBOS's default is 1 s). */
export const QUEUE_POLL_MS = 50;

/** `pg` ships no types here; it is the driver DBOS itself uses. A string, so the compiler does not look for its types. */
const PG: string = 'pg';

interface PgClient {
  connect(): Promise<void>;
  query(q: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
interface PgModule {
  Client: new (o: { connectionString: string; connectionTimeoutMillis: number }) => PgClient;
}

/** The case's database name: `ordeal_dbos_` and a digest of the run id (PostgreSQL names stop at 63 bytes). */
export function caseDatabaseName(runId: string): string {
  return `ordeal_dbos_${createHash('sha256').update(runId).digest('hex').slice(0, 20)}`;
}

/** `url` with its database replaced by `database` (and optionally its host:port by `address`). */
export function withDatabase(url: string, database: string, address?: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (address) u.host = address;
  return u.toString();
}

/** host:port of a postgresql:// URL (5432 when it names none). */
export function addressOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

async function connect(url: string, hint: string): Promise<PgClient> {
  const pg = ((await import(PG)) as { default: PgModule }).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return client;
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new HarnessError(
      `dbos: PostgreSQL at ${redactUrl(url)} did not answer (${(e as Error).message}); DBOS keeps its system database in PostgreSQL: ${hint}`,
      'ORD-360',
      { cause: e },
    );
  }
}

/** Whether the server of `url` accepts a connection and answers a query (false while it starts or recovers). */
export async function answers(url: string): Promise<boolean> {
  const pg = ((await import(PG)) as { default: PgModule }).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const HINT =
  'start one with scripts/postgres.sh, or set ORDEAL_POSTGRES_URL (or --opt postgresUrl=postgresql://user@host:port/db) to a server you may create databases on';

/** Creates the case's database on the server of `serverUrl` (dropping a leftover of the same name first); returns its URL. */
export async function createCaseDatabase(serverUrl: string, name: string): Promise<string> {
  const client = await connect(serverUrl, HINT);
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } catch (e) {
    throw new HarnessError(
      `dbos: could not create the case's database ${name} on ${redactUrl(serverUrl)} (${(e as Error).message}); the role in ORDEAL_POSTGRES_URL needs CREATEDB`,
      'ORD-361',
      { cause: e },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  return withDatabase(serverUrl, name);
}

/** Drops the case's database, closing whatever connections are left on it. */
export async function dropCaseDatabase(serverUrl: string, name: string): Promise<void> {
  const client = await connect(serverUrl, HINT);
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** PostgreSQL's own commit cost: one-row INSERT transactions on a fresh table in the case's database (for the bench's floor). */
export async function commitLatencies(url: string, n: number): Promise<number[]> {
  const client = await connect(url, HINT);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS ordeal_commit_floor (id serial primary key, at double precision)');
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await client.query('INSERT INTO ordeal_commit_floor (at) VALUES ($1)', [t]);
      out.push(performance.now() - t);
    }
    return out;
  } finally {
    await client.end().catch(() => undefined);
  }
}
