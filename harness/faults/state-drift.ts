import { InputError } from '../errors.js';
import { isRecord } from '../json.js';
import { defineFault } from './schema.js';

/** Someone else changes a resource at the trigger: between the agent's read and its act, or while it waits for approval. */
export const stateDrift = defineFault({
  name: 'state-drift',
  description: 'someone else changes a resource at the trigger',
  params: {
    resource: { type: 'resource', draw: true, doc: 'the resource changed (default: the first fixture resource)' },
    field: { type: 'string', doc: 'the field set to value (default: the resource is marked changedBy someone-else)' },
    value: { type: 'scalar', doc: "the field's new value (needed with field)" },
  },
  validate(p) {
    if (p.field !== undefined && p.value === undefined)
      throw new InputError(`fault state-drift: parameter 'value' is needed with 'field' (e.g. field=price,value=25)`, 'ORD-207');
  },
  async fire(ctx, p) {
    const resources = ctx.scenario?.fixture.resources ?? {};
    const id = p.resource ?? Object.keys(resources)[0];
    if (id === undefined) throw new InputError(`fault state-drift: the scenario has no resources; give resource=ID`, 'ORD-207');
    // the fixture's value with `field` set to `value`, or marked as changed by someone else
    const base = isRecord(resources[id]) ? resources[id] : {};
    ctx.setResource(id, p.field === undefined ? { ...base, changedBy: 'someone-else' } : { ...base, [p.field]: p.value });
    return { release: { type: 'continue' } };
  },
});
