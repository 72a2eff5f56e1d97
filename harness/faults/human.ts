/** The simulated human misbehaves: late, rejecting, approving twice, or approving edited values. */
import { defineFault } from './schema.js';
import { MAX_DELAY_MS, type Firing } from './types.js';

/** How long after a delivery human-twice sends the next one, unless `gapMs` says otherwise. */
export const DEFAULT_GAP_MS = 200;

/** Human faults fire on approval:waiting (recorded in the history); what they change is the human's plan. */
const noop = async (): Promise<Firing> => ({ release: { type: 'continue' } });

export const humanLate = defineFault({
  name: 'human-late',
  description: 'the human approves ms after the request, long after the agent started waiting',
  triggers: ['approval'],
  params: { ms: { type: 'integer', min: 0, max: MAX_DELAY_MS, default: 3000, unit: 'ms', doc: 'how much later the human decides' } },
  human: (p, plan) => ({ ...plan, delayMs: Math.min(plan.delayMs + p.ms, MAX_DELAY_MS) }),
  fire: noop,
});

export const humanReject = defineFault({
  name: 'human-reject',
  description: 'the human rejects the request',
  triggers: ['approval'],
  params: {},
  human: (_p, plan) => ({ ...plan, approved: false }),
  fire: noop,
});

export const humanTwice = defineFault({
  name: 'human-twice',
  description: 'the human approves twice (the decision is delivered a second time, gapMs after the first was delivered)',
  triggers: ['approval'],
  params: {
    gapMs: {
      type: 'integer',
      min: 0,
      max: MAX_DELAY_MS,
      default: DEFAULT_GAP_MS,
      unit: 'ms',
      doc: 'how long after the first delivery the second is sent: 0 while the run has barely resumed, longer to reach a run that has moved on (or ended)',
    },
  },
  human: (p, plan) => ({ ...plan, times: plan.times + 1, gapMs: p.gapMs }),
  fire: noop,
});

export const humanEdit = defineFault({
  name: 'human-edit',
  description: "the human approves with one value of the request's payload edited, e.g. field=quantity,value=3",
  triggers: ['approval'],
  params: {
    // `ordeal check` draws a concrete field of the scenario's approval payload and a value other than the asked one
    field: { type: 'approval-edit', required: true, draw: true, doc: 'the payload field the human edits' },
    value: { type: 'scalar', required: true, doc: 'the value the human puts there' },
  },
  human: (p, plan) => ({ ...plan, approved: true, edits: { ...plan.edits, [p.field]: p.value } }),
  fire: noop,
});
