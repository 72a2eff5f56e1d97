/** JSON: everything the report knows, for other tools (the run records included). */
import type { Comparison } from './comparison.js';

export function renderJson(c: Comparison): string {
  const cases = c.cases.map(({ run, ...k }) => ({
    ...k,
    info: run.info ?? null,
    verdict: run.verdict ?? null,
    outcome: run.record?.outcome ?? null,
    ledger: run.record?.ledger ?? [],
    history: run.record?.history ?? [],
  }));
  const rows = c.rows.map((r) => ({
    ...r,
    cells: Object.fromEntries(Object.entries(r.cells).map(([a, ks]) => [a, ks.map((k) => ({ id: k.id, status: k.status }))])),
  }));
  return (
    JSON.stringify(
      {
        generatedAt: c.generatedAt,
        totals: c.totals,
        adapters: c.adapters,
        variants: c.variants,
        scoreboard: c.scoreboard,
        scenarios: c.scenarios,
        matrix: rows,
        cases,
      },
      null,
      2,
    ) + '\n'
  );
}
