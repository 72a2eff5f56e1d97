/** The simulated human: answers every approval request as the scenario and the schedule's human-* faults say. */
import { setTimeout as delay } from 'node:timers/promises';
import { ensureError } from '../errors.js';
import { isRecord } from '../json.js';
import { DEFAULT_GAP_MS } from '../faults/human.js';
import { humanPlan } from '../faults/index.js';
import type { Scenario } from '../scenario/index.js';
import type { HistoryWriter, Schedule } from '../store/index.js';
import type { Adapter, AdapterContext, RunHandle } from './adapter.js';
import { now } from '../store/index.js';

/** What the human needs of the case: who delivers the decision (the adapter), and where it is recorded. */
export interface HumanCase {
  adapter: Adapter;
  scenario: Scenario;
  schedule: Schedule;
  ctx: Readonly<AdapterContext>;
  history: HistoryWriter;
  /** True once the case is over: a delivery that failed is then not tried again (the run it was for has ended). */
  ended?: () => boolean;
  /** Aborted when the case is over: a human still waiting to answer (`human-late`, `delayMs`) never answers. */
  signal?: AbortSignal;
}

/**
 * Decides approval request `id` and has the adapter deliver the decision (`times` times for human-twice), each an
 * `approval` op of process `human`. `handle` is the run's handle once submitted; a delivery that fails (the engine
 * may be down for a fault) is tried again, up to 50 times, while the case goes on.
 */
export async function humanDecides(c: HumanCase, handle: () => RunHandle | undefined, id: string, payload: unknown): Promise<void> {
  const { history } = c;
  const plan = humanPlan(c.scenario, c.schedule);
  // the case may end while the human waits (its timeout): nothing is decided or delivered after it
  const wait = (ms: number) =>
    delay(ms, undefined, c.signal ? { signal: c.signal } : {}).then(
      () => true,
      () => false,
    );
  if (plan.delayMs && !(await wait(plan.delayMs))) return;
  const { approved } = plan;
  // the human approves the request's values, with their edits: the agent should act on exactly these
  const base = isRecord(payload) ? payload : {};
  const values = approved && (plan.edits || Object.keys(base).length > 0) ? { ...base, ...plan.edits } : undefined;
  for (let delivery = 1; delivery <= plan.times; delivery++) {
    if (delivery > 1 && !(await wait(plan.gapMs ?? DEFAULT_GAP_MS))) return;
    const extra = {
      ...(values ? { values } : {}),
      ...(plan.edits ? { edited: Object.keys(plan.edits) } : {}),
      ...(delivery > 1 ? { delivery } : {}),
    };
    // The decision is recorded when the human sends it, before the adapter delivers it: the engine may resume the agent
    // (and its effects may land) before the adapter's call returns. Its delivery is recorded as it completes.
    history.append({ time: now(), process: 'human', type: 'invoke', f: 'approval', value: { event: 'decided', id, approved, ...extra } });
    let error = 'the run had no handle yet';
    for (let attempt = 1; attempt <= 50; attempt++) {
      if (attempt > 1 && c.ended?.()) {
        error += ' (the case was over: not tried again)';
        break;
      }
      const h = handle();
      try {
        if (h) {
          await c.adapter.approve(c.ctx, h, { approvalId: id, approved, ...(values ? { values } : {}) });
          history.append({
            time: now(),
            process: 'human',
            type: 'ok',
            f: 'approval',
            value: { event: 'delivered', id, attempts: attempt, ...(delivery > 1 ? { delivery } : {}) },
          });
          error = '';
          break;
        }
      } catch (e) {
        error = ensureError(e).message; // the engine may be down (a fault): try again
      }
      await new Promise((r) => setTimeout(r, Math.min(1000, 20 * attempt)));
    }
    if (error)
      history.append({
        time: now(),
        process: 'human',
        type: 'fail',
        f: 'approval',
        value: { event: 'undelivered', id, error, ...(delivery > 1 ? { delivery } : {}) },
      });
  }
}
