/** Where a fault can fire in a scenario: the trigger points a calm run of it passes through. */
import { formatTrigger, triggerKind, type CountedKind, type Fault } from '../faults/index.js';
import { isRecord } from '../json.js';
import { cassetteCalls, isEffectTool, maxCalls, type Scenario } from '../scenario/index.js';

/** What a calm run of the scenario does, counted the way the world counts triggers. */
export interface ScenarioShape {
  /** Model calls: one per cassette turn. */
  llmCalls: number;
  effects: number;
  shells: number;
  /** Journaled steps on the reference runtime: one per model call, one per tool call. */
  steps: number;
  approval: boolean;
  resources: string[];
  /** The concrete scalar fields of the approval requests' payloads (templated values left out), first value seen. */
  approvalFields: Record<string, string | number | boolean>;
}

export function scenarioShape(scenario: Scenario): ScenarioShape {
  const calls = cassetteCalls(scenario.cassette);
  // a branching turn counts as its busiest branch: one run takes one branch per turn
  const most = (keep: (c: { tool: string }) => boolean) => scenario.cassette.reduce((n, t) => n + maxCalls(t, keep), 0);
  return {
    llmCalls: scenario.cassette.length,
    effects: most((c) => isEffectTool(c.tool)),
    shells: most((c) => c.tool === 'shell'),
    steps: scenario.cassette.length + most(() => true),
    approval: calls.some((c) => c.tool === 'request_approval'),
    resources: Object.keys(scenario.fixture.resources),
    approvalFields: approvalFields(calls),
  };
}

function approvalFields(calls: { tool: string; args?: Record<string, unknown> }[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const c of calls) {
    const payload = c.tool === 'request_approval' ? c.args?.payload : undefined;
    if (!isRecord(payload)) continue;
    for (const [k, v] of Object.entries(payload)) {
      const scalar = typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && !v.includes('{{'));
      if (scalar && !(k in out)) out[k] = v;
    }
  }
  return out;
}

/** Times used only by faults that ask for `t+Nms` triggers explicitly (wall-clock points are not reproducible). */
export const TIME_POINTS_MS = [100, 250, 500, 1000, 2000] as const;

const range = (kind: CountedKind, count: number) => Array.from({ length: count }, (_, i) => formatTrigger({ kind, n: i + 1 }));

/** Every trigger of the scenario, in the order shrinking prefers (earliest, simplest first). */
export function scenarioTriggers(shape: ScenarioShape): string[] {
  return [
    ...range('before-effect', shape.effects),
    ...range('after-effect', shape.effects),
    ...range('llm-call', shape.llmCalls),
    ...range('step', shape.steps),
    ...range('shell', shape.shells),
    ...(shape.approval ? [formatTrigger({ kind: 'approval', state: 'waiting' })] : []),
  ];
}

/** The triggers a fault may fire on in this scenario; empty when it cannot apply (e.g. a resource parameter and no resources). */
export function triggersFor(fault: Fault, shape: ScenarioShape): string[] {
  const params = Object.values(fault.params).filter((p) => p.required);
  if (params.some((p) => p.type === 'resource') && shape.resources.length === 0) return [];
  if (params.some((p) => p.type === 'approval-edit') && Object.keys(shape.approvalFields).length === 0) return [];
  const world = scenarioTriggers(shape).filter((at) => !fault.triggers || fault.triggers.includes(triggerKind(at)!));
  const time = fault.triggers?.includes('time') ? TIME_POINTS_MS.map((ms) => formatTrigger({ kind: 'time', ms })) : [];
  return [...world, ...time];
}
