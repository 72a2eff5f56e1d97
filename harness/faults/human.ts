/** The simulated human misbehaves: late, rejecting, approving twice, or approving edited values. */
import { InputError } from '../errors.js';
import { intParam, onlyParams, strParam } from './params.js';
import type { Fault } from './types.js';

/** Human faults fire on approval:waiting (recorded in the history); what they change is the human's plan. */
const noop: Fault['fire'] = async () => ({ release: { type: 'continue' } });

export const humanLate: Fault = {
  name: 'human-late',
  description: 'the human approves ms (default 3000) after the request, long after the agent started waiting',
  triggers: ['approval'],
  validate(spec) {
    onlyParams(spec, ['ms']);
    intParam(spec, 'ms', 3000, 0);
  },
  human: (spec, plan) => ({ ...plan, delayMs: plan.delayMs + intParam(spec, 'ms', 3000, 0) }),
  fire: noop,
};

export const humanReject: Fault = {
  name: 'human-reject',
  description: 'the human rejects the request',
  triggers: ['approval'],
  validate: (spec) => onlyParams(spec, []),
  human: (_spec, plan) => ({ ...plan, approved: false }),
  fire: noop,
};

export const humanTwice: Fault = {
  name: 'human-twice',
  description: 'the human approves twice (the decision is delivered a second time)',
  triggers: ['approval'],
  validate: (spec) => onlyParams(spec, []),
  human: (_spec, plan) => ({ ...plan, times: plan.times + 1 }),
  fire: noop,
};

export const humanEdit: Fault = {
  name: 'human-edit',
  description: "the human approves with an edited value (field=F,value=V) in the request's payload",
  triggers: ['approval'],
  // `ordeal check` draws a concrete field of the scenario's approval payload and a value other than the asked one
  params: { edit: { type: 'approval-edit', required: true } },
  validate(spec) {
    onlyParams(spec, ['field', 'value']);
    if (strParam(spec, 'field') === undefined || spec.value === undefined)
      throw new InputError(`fault human-edit: parameters 'field' and 'value' are needed, e.g. human-edit@approval:waiting,field=quantity,value=3`, 'ORD-207');
  },
  human: (spec, plan) => ({ ...plan, approved: true, edits: { ...plan.edits, [String(spec.field)]: spec.value } }),
  fire: noop,
};
