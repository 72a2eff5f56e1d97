/** What both LangGraph adapters (JS and Python) must show when the agent runs as a subgraph of a parent graph. */
import { join } from 'node:path';
import { expect } from 'vitest';
import { history, refundEntries } from './run-folder.js';

const UUID = '[0-9a-f-]{36}';

/**
 * langgraph #6792, langgraphjs #2667 (and #1552): run as a subgraph, an agent re-ran on resume the tasks it had
 * finished before its interrupt. On approval-beside-effect (a refund, then an approval, in one turn), with each API:
 * the turn's model call is not asked again and the refund goes out once, from the agent's own checkpoint namespace
 * under the parent graph's node. `toolTask` is the functional API's name for its tool task.
 */
export async function expectSubgraphResumeReusesTasks(
  run: (args: string[]) => Promise<{ code: number | null; c: { runDir: string } }>,
  toolTask: string,
): Promise<void> {
  const scenario = join(import.meta.dirname, '../../adapters/langgraph-py/scenarios/approval-beside-effect.json');
  for (const api of ['functional', 'graph']) {
    const { code, c } = await run([
      '--scenario',
      scenario,
      '--fault',
      'human-late@approval:waiting,ms=300',
      '--opt',
      'nesting=subgraph',
      '--opt',
      `api=${api}`,
    ]);
    expect(code, api).toBe(0);
    expect(
      history(c.runDir).filter((o) => o.f === 'llm' && o.type === 'invoke'),
      api,
    ).toHaveLength(3);
    const refunds = refundEntries(c.runDir);
    expect(
      refunds.map((e) => e.outcome),
      api,
    ).toEqual(['applied']);
    const namespace = api === 'functional' ? `agent:${UUID}\\|agent:${UUID}\\|${toolTask}:${UUID}` : `agent:${UUID}\\|tools:${UUID}`;
    expect(refunds[0]!.key, api).toMatch(new RegExp(`:${namespace}:call_`));
  }
}
