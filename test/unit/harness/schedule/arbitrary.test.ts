import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFault, faults, validateSchedule, type Fault } from '../../../../harness/faults/index.js';
import { builtinScenarioNames, resolveScenario, type Scenario } from '../../../../harness/scenario/index.js';
import { scenarioShape, scheduleArbitrary, singleFaultPoints, type ScheduleSpace } from '../../../../harness/schedule/index.js';
import type { FaultSpec } from '../../../../harness/store/index.js';

/** A fault with parameters, standing in for the catalogue's: only model calls and times, needs a resource. */
const probe: Fault = defineFault({
  name: 'test-drift',
  description: 'test only',
  triggers: ['llm-call', 'time'],
  params: {
    delayMs: { type: 'integer', min: 10, max: 20, unit: 'ms', draw: { min: 10, max: 20 }, doc: 'a delay' },
    mode: { type: 'choice', values: ['a', 'b'], draw: true, doc: 'a mode' },
    id: { type: 'resource', required: true, draw: true, doc: 'a resource' },
  },
  fire: async () => ({ release: { type: 'continue' } }),
});
beforeAll(() => void (faults[probe.name] = probe));
afterAll(() => void delete faults[probe.name]);

const scenarios = builtinScenarioNames().map((n) => resolveScenario(n));

/** The trigger can happen in a calm run of the scenario. */
function fits(spec: FaultSpec, s: Scenario, hasEngine: boolean): boolean {
  const shape = scenarioShape(s);
  const f = faults[spec.fault]!;
  if (f.needsEngine && !hasEngine) return false;
  const m = /^([a-z-]+):([0-9]+)$/.exec(spec.at);
  const t = /^t\+([0-9]+)ms$/.exec(spec.at);
  if (spec.at === 'approval:waiting') return shape.approval && (!f.triggers || f.triggers.includes('approval'));
  if (t) return f.triggers?.includes('time') === true;
  if (!m) return false;
  const [kind, n] = [m[1]!, Number(m[2])];
  if (f.triggers && !f.triggers.includes(kind as never)) return false;
  const max: Record<string, number> = {
    'before-effect': shape.effects,
    'after-effect': shape.effects,
    'llm-call': shape.llmCalls,
    step: shape.steps,
    shell: shape.shells,
  };
  return n >= 1 && n <= (max[kind] ?? 0);
}

describe('scheduleArbitrary', () => {
  it('generates only valid schedules whose triggers can occur in the scenario', () => {
    const spaces = fc.record({
      scenario: fc.constantFrom(...scenarios),
      hasEngine: fc.boolean(),
      maxFaults: fc.integer({ min: 1, max: 5 }),
      // every fault in the registry (the catalogue grows), plus one with a required resource parameter
      faults: fc.subarray([...new Set([...Object.keys(faults), probe.name])], { minLength: 1 }),
    });
    fc.assert(
      fc.property(spaces, fc.integer(), (sp, seed) => {
        const space: ScheduleSpace = { ...sp, faults: sp.faults.filter((f) => sp.hasEngine || !faults[f]!.needsEngine) };
        fc.pre(space.faults.includes('kill-worker')); // always fires somewhere, so the space is never empty
        for (const schedule of fc.sample(scheduleArbitrary(space), { seed, numRuns: 20 })) {
          expect(validateSchedule(JSON.parse(JSON.stringify(schedule)), 'generated')).toEqual(schedule);
          expect(schedule.length).toBeLessThanOrEqual(space.maxFaults);
          expect(new Set(schedule.map((f) => f.at)).size).toBe(schedule.length);
          for (const f of schedule) {
            expect(space.faults).toContain(f.fault);
            expect(fits(f, space.scenario, space.hasEngine), `${f.fault}@${f.at} in ${space.scenario.name}`).toBe(true);
            if (f.fault === probe.name) expect(Object.keys(space.scenario.fixture.resources)).toContain(f.id);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('draws human-edit as a concrete field of the approval payload with another value, and only where there is one', () => {
    const drawn = (name: string) =>
      fc
        .sample(scheduleArbitrary({ scenario: resolveScenario(name), faults: ['human-edit'], hasEngine: false, maxFaults: 1 }), {
          seed: 3,
          numRuns: 200,
        })
        .flat();
    const drift = drawn('approval-drift'); // payload {quantity: 5, unitPrice: "{{result:…}}"}: the template is not a value
    expect(new Set(drift.map((f) => f.field))).toEqual(new Set(['quantity']));
    expect(drift.every((f) => typeof f.value === 'number' && f.value !== 5 && f.at === 'approval:waiting')).toBe(true);
    expect(new Set(drawn('refund-agent').map((f) => f.field))).toEqual(new Set(['order', 'amount']));
    for (const f of drawn('refund-agent')) expect(f.value).not.toBe(f.field === 'amount' ? 42.5 : '1042');
    expect(() => scheduleArbitrary({ scenario: resolveScenario('flaky-shell'), faults: ['human-edit'], hasEngine: false, maxFaults: 1 })).toThrow(
      /none of the faults human-edit can fire/,
    );
  });

  it('draws net faults on the worker↔engine link only for an adapter whose engine link can be proxied', () => {
    const base = { scenario: resolveScenario('refund-agent'), faults: ['net-partition', 'net-latency'], hasEngine: true, maxFaults: 2 };
    const targets = (engineLink: boolean) =>
      new Set(
        fc
          .sample(scheduleArbitrary({ ...base, engineLink }), { seed: 7, numRuns: 300 })
          .flat()
          .map((f) => f.target),
      );
    expect(targets(true)).toEqual(new Set([undefined, 'world', 'engine']));
    expect(targets(false)).toEqual(new Set([undefined]));
  });

  it('gives the same schedules for the same seed, and others for another seed', () => {
    const space: ScheduleSpace = { scenario: resolveScenario('coding-agent'), faults: ['kill-worker', 'kill-engine'], hasEngine: true, maxFaults: 3 };
    const a = fc.sample(scheduleArbitrary(space), { seed: 42, numRuns: 50 });
    expect(fc.sample(scheduleArbitrary(space), { seed: 42, numRuns: 50 })).toEqual(a);
    expect(fc.sample(scheduleArbitrary(space), { seed: 43, numRuns: 50 })).not.toEqual(a);
  });

  it('draws parameters inside their declared ranges and leaves a fault out where it cannot fire', () => {
    const refund: ScheduleSpace = { scenario: resolveScenario('refund-agent'), faults: [probe.name], hasEngine: false, maxFaults: 3 };
    const specs = fc.sample(scheduleArbitrary(refund), { seed: 1, numRuns: 200 }).flat();
    expect(specs.some((f) => typeof f.delayMs === 'number')).toBe(true);
    expect(specs.some((f) => f.at.startsWith('t+'))).toBe(true);
    for (const f of specs) {
      if (f.delayMs !== undefined) expect(f.delayMs).toBeGreaterThanOrEqual(10);
      if (f.mode !== undefined) expect(['a', 'b']).toContain(f.mode);
      expect(f.id).toBe('order/1042');
    }
    // coding-agent has no resources, so a fault that needs one has nowhere to fire
    expect(() => scheduleArbitrary({ ...refund, scenario: resolveScenario('coding-agent') })).toThrow(/can fire/);
  });
});

describe('singleFaultPoints', () => {
  it('lists each trigger of the scenario once per applicable fault', () => {
    const s = resolveScenario('refund-agent');
    const points = singleFaultPoints({ scenario: s, faults: ['kill-worker', 'kill-engine'], hasEngine: true, maxFaults: 1 });
    const labels = points.map((p) => `${p[0]!.fault}@${p[0]!.at}`);
    // 2 effects × (before, after) + 5 model calls + 9 steps + approval = 19 triggers, × 2 faults
    expect(points).toHaveLength(38);
    expect(new Set(labels).size).toBe(38);
    expect(labels).toContain('kill-worker@after-effect:2');
    expect(labels).toContain('kill-engine@approval:waiting');
    expect(labels).not.toContain('kill-worker@after-effect:3');
    expect(singleFaultPoints({ scenario: s, faults: ['kill-worker', 'kill-engine'], hasEngine: false, maxFaults: 1 })).toHaveLength(19);
  });
});
