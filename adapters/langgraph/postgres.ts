/** The PostgreSQL both LangGraph adapters check before a case with PostgresSaver starts. */
import { HarnessError } from '../../harness/errors.js';
import { redactUrl } from './manifest.js';

/** `pg` ships no types here; it is the driver PostgresSaver itself uses. A string, so the compiler does not look for its types. */
const PG: string = 'pg';

interface PgModule {
  Client: new (o: { connectionString: string; connectionTimeoutMillis: number }) => {
    connect(): Promise<void>;
    query(q: string): Promise<unknown>;
    end(): Promise<void>;
  };
}

/** A PostgreSQL that does not answer is the harness's problem (exit 3, ORD-306), named with the URL tried (password masked). */
export async function pingPostgres(url: string): Promise<void> {
  const pg = ((await import(PG)) as { default: PgModule }).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    throw new HarnessError(
      `PostgreSQL at ${redactUrl(url)} did not answer (${(e as Error).message}); start one with scripts/postgres.sh or pass --opt postgresUrl=postgresql://…`,
      'ORD-306',
      { cause: e },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
