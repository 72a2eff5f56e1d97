/** fast-check arbitraries of fault schedules that fit a scenario, built from the fault registry's data. */
import fc from 'fast-check';
import { faults as registry, type Fault, type ParamSpec } from '../faults/index.js';
import type { FaultSpec, Schedule } from '../store/index.js';
import { UsageError } from '../errors.js';
import { scenarioShape, triggersFor, type ScenarioShape } from './points.js';
import type { Scenario } from '../scenario/index.js';

export interface ScheduleSpace {
  scenario: Scenario;
  /** Fault names, in the order given (the order is part of what the seed reproduces). */
  faults: string[];
  hasEngine: boolean;
  /** The adapter's worker↔engine link can run through Toxiproxy (net faults may draw target=engine). */
  engineLink?: boolean;
  /** At most this many faults per schedule (0..maxFaults). */
  maxFaults: number;
  /** The changes the adapter's version 2 carries (manifest `deploy.changes`): `deploy` draws only these; absent: all. */
  deployChanges?: readonly string[];
  /** How the adapter's version 2 can reach its workers: `deploy` draws `blue-green` only where the manifest declares it. */
  deployRollouts?: readonly string[];
}

/** The faults `ordeal check` uses when none are named: kill-worker, and kill-engine when there is an engine. */
export function defaultCheckFaults(hasEngine: boolean): string[] {
  return hasEngine ? ['kill-worker', 'kill-engine'] : ['kill-worker'];
}

/** Parses `--faults a,b` (or repeated) against the registry and the adapter. */
export function resolveCheckFaults(given: string[] | undefined, hasEngine: boolean, adapter: string): string[] {
  const names =
    given
      ?.flatMap((g) => g.split(','))
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  if (names.length === 0) return defaultCheckFaults(hasEngine);
  for (const n of names) {
    const f = registry[n];
    if (!f) throw new UsageError(`--faults: unknown fault '${n}': expected one of ${Object.keys(registry).join(', ')}`, 'ORD-120');
    if (f.needsEngine && !hasEngine)
      throw new UsageError(`--faults: '${n}' needs an adapter with an engine process; '${adapter}' has none`, 'ORD-120');
  }
  return [...new Set(names)];
}

/** Each fault with the trigger points it can fire on in this scenario; faults with none are left out. */
export function applicable(space: ScheduleSpace, shape: ScenarioShape = scenarioShape(space.scenario)): { fault: Fault; triggers: string[] }[] {
  return space.faults
    .map((n) => registry[n])
    .filter((f): f is Fault => !!f && (!f.needsEngine || space.hasEngine))
    .map((fault) => ({ fault, triggers: triggersFor(fault, shape) }))
    .filter((a) => a.triggers.length > 0 && drawable(a.fault, a.triggers[0]!, shape));
}

/** A fault whose validate() rejects it with only its required parameters cannot be drawn. */
function drawable(fault: Fault, at: string, shape: ScenarioShape): boolean {
  try {
    fault.validate({ fault: fault.name, at, ...requiredParams(fault, shape) });
    return true;
  } catch {
    return false;
  }
}

/**
 * The spec fields one drawn parameter contributes: `{name: value}`, except an approval edit, which sets `name` (the
 * field) and `value` together. undefined when the parameter is not drawn or the scenario offers nothing to draw from.
 */
function paramFields(
  name: string,
  p: ParamSpec,
  shape: ScenarioShape,
  engineLink: boolean,
  allowed?: readonly string[],
): fc.Arbitrary<Record<string, unknown>> | undefined {
  const as = (arb: fc.Arbitrary<unknown>) => arb.map((v) => ({ [name]: v }));
  if (!('draw' in p) || !p.draw) return undefined;
  if (p.type === 'integer') return as(fc.integer({ min: p.draw.min, max: p.draw.max }));
  if (p.type === 'choice') {
    const only = typeof p.draw === 'object' ? p.draw.engineLinkOnly : [];
    const values = (engineLink ? p.values : p.values.filter((v) => !only.includes(v))).filter((v) => !allowed || allowed.includes(v));
    if (values.length === 0) return undefined;
    // with the engine-link values left out, the one left is the default: drawing it would only lengthen the schedule
    if (values.length === 1 && values.length < p.values.length && values[0] === (p.default ?? p.values[0])) return undefined;
    return as(fc.constantFrom(...values));
  }
  if (p.type === 'approval-edit') {
    const fields = Object.entries(shape.approvalFields);
    if (fields.length === 0) return undefined;
    return fc.constantFrom(...fields).chain(([field, asked]) => fc.constantFrom(...editedValues(asked)).map((value) => ({ [name]: field, value })));
  }
  return shape.resources.length ? as(fc.constantFrom(...shape.resources)) : undefined;
}

/** Values a human might put instead of `asked`, never `asked` itself; the first is where shrinking ends. */
function editedValues(asked: string | number | boolean): (string | number | boolean)[] {
  if (typeof asked === 'boolean') return [!asked];
  if (typeof asked === 'string') return [`${asked}-edited`, ''].filter((v) => v !== asked);
  const step = Number.isInteger(asked) ? 1 : 0.5;
  return [asked - step, asked + step, asked * 2, 0].filter((v, i, all) => v !== asked && v >= 0 && all.indexOf(v) === i);
}

/** One fault at one of its triggers, with some of its parameters; shrinks toward the first trigger and no parameters. */
function faultSpecArbitrary(fault: Fault, triggers: string[], shape: ScenarioShape, space: ScheduleSpace): fc.Arbitrary<FaultSpec> {
  const params: Record<string, fc.Arbitrary<Record<string, unknown> | undefined>> = {};
  for (const [name, p] of Object.entries(fault.params)) {
    const allowed =
      fault.name !== 'deploy' ? undefined : name === 'change' ? space.deployChanges : name === 'rollout' ? space.deployRollouts : undefined;
    const arb = paramFields(name, p, shape, space.engineLink === true, allowed);
    // left out, a parameter takes its default: always drawn when the adapter does not allow that default
    const defaultAllowed = !allowed || (p.type === 'choice' && allowed.includes(p.default ?? p.values[0]!));
    if (arb) params[name] = p.required || !defaultAllowed ? arb : fc.option(arb, { nil: undefined });
  }
  return fc
    .record({ at: fc.constantFrom(...triggers), params: fc.record(params) })
    .map(({ at, params: ps }): FaultSpec => Object.assign({ fault: fault.name, at }, ...Object.values(ps).filter((f) => f !== undefined)));
}

/** Schedules of 0..maxFaults faults, at most one per trigger point, that can all occur in the scenario. */
export function scheduleArbitrary(space: ScheduleSpace): fc.Arbitrary<Schedule> {
  const shape = scenarioShape(space.scenario);
  const options = applicable(space, shape);
  if (options.length === 0)
    throw new UsageError(`none of the faults ${space.faults.join(', ')} can fire in scenario '${space.scenario.name}' on this adapter`, 'ORD-121');
  const one = fc.oneof(...options.map((o) => faultSpecArbitrary(o.fault, o.triggers, shape, space)));
  const points = new Set(options.flatMap((o) => o.triggers)).size;
  return fc.uniqueArray(one, { minLength: 0, maxLength: Math.min(space.maxFaults, points), selector: (f) => f.at });
}

/** The smallest drawn value of each required parameter (what shrinking would reach). */
function requiredParams(fault: Fault, shape: ScenarioShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(fault.params)) {
    if (!p.required) continue;
    if (p.type === 'approval-edit') {
      const [field, asked] = Object.entries(shape.approvalFields)[0] ?? [];
      if (field !== undefined && asked !== undefined) Object.assign(out, { [name]: field, value: editedValues(asked)[0] });
    } else if (p.type === 'integer') out[name] = p.draw?.min ?? p.min;
    else if (p.type === 'choice') out[name] = p.values[0];
    else if (p.type === 'resource') out[name] = shape.resources[0];
  }
  return out;
}

/** Every single-fault point of the scenario: each trigger × each applicable fault, without parameters. */
export function singleFaultPoints(space: ScheduleSpace): Schedule[] {
  const shape = scenarioShape(space.scenario);
  const options = applicable(space, shape);
  const triggers = [...new Set(options.flatMap((o) => o.triggers))];
  return triggers.flatMap((at) =>
    options.filter((o) => o.triggers.includes(at)).map((o): Schedule => [{ fault: o.fault.name, at, ...requiredParams(o.fault, shape) }]),
  );
}
