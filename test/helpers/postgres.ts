/** The PostgreSQL the tests use (scripts/postgres.sh starts it; npm run test:full sets ORDEAL_POSTGRES_URL), and whether it answers. */

/** The URL scripts/postgres.sh printed, or the address it starts PostgreSQL on. */
export const pgUrl = process.env.ORDEAL_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:55432/ordeal';

/** A module name TypeScript does not resolve: pg ships no type declarations. */
const PG: string = 'pg';

interface PgClient {
  connect(): Promise<void>;
  query(q: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

/** Runs `fn` with a connected client on `url`. */
export async function withPg<T>(fn: (c: PgClient) => Promise<T>, url = pgUrl): Promise<T> {
  const pg = ((await import(PG)) as { default: { Client: new (o: object) => PgClient } }).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether PostgreSQL answers at pgUrl, and the skip message that says how to start it. */
export async function postgresAnswers(): Promise<{ installed: boolean; skipReason: string }> {
  const skipReason = `no PostgreSQL answers at ${pgUrl} (run scripts/postgres.sh and set ORDEAL_POSTGRES_URL, or npm run test:full)`;
  try {
    await withPg(async (c) => c.query('select 1'));
    return { installed: true, skipReason };
  } catch {
    return { installed: false, skipReason };
  }
}
