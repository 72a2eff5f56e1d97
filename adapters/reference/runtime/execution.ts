// Runs one claimed instance to its end, its suspension, or its halt, and writes the outcome under the lease.
import { serializeError } from './codec.js';
import { ExecutionContext } from './context.js';
import { LeaseLostError } from './errors.js';
import type { InstanceStore } from './instance-store.js';
import type { WorkflowFn } from './types.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** How the execution ended for the instance: `finished` = completed or failed (written under our lease). */
export type ExecutionEnd = 'finished' | 'suspended' | 'released' | 'lease-lost';

export async function runExecution(
  ctx: ExecutionContext,
  fn: WorkflowFn,
  input: unknown,
  store: InstanceStore,
  owner: string,
): Promise<ExecutionEnd> {
  let outcome: Outcome | undefined;
  const run = Promise.resolve()
    .then(() => fn(ctx, input))
    .then(
      (value) => void (outcome = { ok: true, value }),
      (error: unknown) => void (outcome = { ok: false, error }),
    );
  await Promise.race([run, ctx.haltPromise]);
  // Step functions still running keep their chance to journal, so their effects are not redone.
  await ctx.settle();
  const id = ctx.instanceId;
  const now = Date.now();
  try {
    if (ctx.halted === 'fatal') store.fail(id, owner, serializeError(ctx.fatalError), now);
    else if (ctx.halted === 'lease-lost') return 'lease-lost';
    else if (outcome?.ok === true) store.complete(id, owner, outcome.value, now);
    else if (outcome?.ok === false) store.fail(id, owner, serializeError(outcome.error), now);
    else if (ctx.halted === 'suspend') {
      store.suspend(id, owner, ctx.readyAt, [...ctx.waiting], now);
      return 'suspended';
    } else {
      store.release(id, owner, now);
      return 'released';
    }
    return 'finished';
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    return 'lease-lost';
  }
}
