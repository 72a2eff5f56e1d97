import { InputError } from '../errors.js';
import { isRecord } from '../json.js';
import type { FaultSpec } from '../store/types.js';
import { onlyParams, strParam } from './params.js';
import type { Fault } from './types.js';

/** The new value: the fixture's value with `field` set to `value`, or marked as changed by someone else. */
function drifted(spec: FaultSpec, fixture: unknown): unknown {
  const base = isRecord(fixture) ? fixture : {};
  const field = strParam(spec, 'field');
  if (field === undefined) return { ...base, changedBy: 'someone-else' };
  return { ...base, [field]: spec.value };
}

/** Someone else changes a resource at the trigger: between the agent's read and its act, or while it waits for approval. */
export const stateDrift: Fault = {
  name: 'state-drift',
  description: 'someone else changes a resource at the trigger (resource=ID, field=F, value=V; default the first fixture resource)',
  params: { resource: { type: 'resource' } },
  validate(spec) {
    onlyParams(spec, ['resource', 'field', 'value']);
    strParam(spec, 'resource');
    strParam(spec, 'field');
    if (spec.field !== undefined && spec.value === undefined)
      throw new InputError(`fault state-drift: parameter 'value' is needed with 'field' (e.g. field=price,value=25)`, 'ORD-207');
  },
  async fire(ctx, spec) {
    const resources = ctx.scenario?.fixture.resources ?? {};
    const id = strParam(spec, 'resource') ?? Object.keys(resources)[0];
    if (id === undefined) throw new InputError(`fault state-drift: the scenario has no resources; give resource=ID`, 'ORD-207');
    ctx.setResource(id, drifted(spec, resources[id]));
    return { release: { type: 'continue' } };
  },
};
