/** Reads an invocation's recorded status through the admin API's SQL introspection. */

interface Row {
  status?: string;
  completion_result?: string | null;
  completion_failure?: string | null;
}

/** The failure the server recorded for a workflow's run, or undefined when it has none (yet). */
export async function invocationFailure(adminUrl: string, service: string, key: string): Promise<string | undefined> {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const res = await fetch(`${adminUrl}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      query: `SELECT status, completion_result, completion_failure FROM sys_invocation WHERE target_service_name = ${q(service)} AND target_service_key = ${q(key)} AND target_handler_name = 'run'`,
    }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`admin query answered ${res.status}: ${await res.text()}`);
  const rows = ((await res.json()) as { rows?: Row[] }).rows ?? [];
  const done = rows.find((r) => r.status === 'completed' && r.completion_result === 'failure');
  return done ? String(done.completion_failure ?? 'failed') : undefined;
}
