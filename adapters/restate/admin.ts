/** Reads an invocation's recorded status through the admin API's SQL introspection. */

interface Row {
  status?: string;
  completion_result?: string | null;
  completion_failure?: string | null;
  last_failure?: string | null;
  last_failure_error_code?: string | null;
}

/** How Restate records a replay that does not match the journal (the handler's code changed under it): `[570 Journal mismatch] …`. */
const JOURNAL_MISMATCH = /\b570\b|journal mismatch/i;

/**
 * The failure the server recorded for a workflow's run, or undefined when it has none (yet). With `stuck`, also an
 * invocation Restate keeps retrying because its journal no longer matches the code (a journal mismatch never heals).
 */
export async function invocationFailure(adminUrl: string, service: string, key: string, stuck = false): Promise<string | undefined> {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const res = await fetch(`${adminUrl}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      query: `SELECT status, completion_result, completion_failure, last_failure, last_failure_error_code FROM sys_invocation WHERE target_service_name = ${q(service)} AND target_service_key = ${q(key)} AND target_handler_name = 'run'`,
    }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`admin query answered ${res.status}: ${await res.text()}`);
  const rows = ((await res.json()) as { rows?: Row[] }).rows ?? [];
  const done = rows.find((r) => r.status === 'completed' && r.completion_result === 'failure');
  if (done) return String(done.completion_failure ?? 'failed');
  const mismatch = stuck ? rows.find((r) => r.status !== 'completed' && JOURNAL_MISMATCH.test(r.last_failure ?? '')) : undefined;
  return mismatch ? `journal mismatch: the invocation is retried and fails the same way every time: ${String(mismatch.last_failure)}` : undefined;
}
