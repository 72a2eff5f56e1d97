/**
 * Fault parameters that name a part of the scenario (a resource, a field of an approval request), checked against the
 * scenario before any case starts: a name it does not have would make the fault act on nothing the agent sees (a new
 * resource, a payload field no one reads), a silent no-op.
 */
import { InputError } from '../errors.js';
import { isRecord, textOf } from '../json.js';
import { cassetteCalls, type Scenario, type Turn } from '../scenario/index.js';
import type { FaultSpec, Schedule } from '../store/types.js';
import { faults } from './registry.js';

/** `a, b, c` with at most 20 names shown. */
const list = (names: string[]): string => (names.length > 20 ? `${names.slice(0, 20).join(', ')}, … (${names.length} in all)` : names.join(', '));

/**
 * The resources a fault may change: the fixture's, and those the cassette writes by a literal id. `undefined` when a
 * write names its resource by a template (it is then known only as the run goes).
 */
export function scenarioResources(scenario: Scenario): string[] | undefined {
  const ids = new Set(Object.keys(scenario.fixture.resources));
  for (const c of cassetteCalls(scenario.cassette)) {
    if (c.tool !== 'write_resource') continue;
    const id = c.args.id;
    if (typeof id === 'string' && !id.includes('{{')) ids.add(id);
    else if (typeof id === 'number') ids.add(String(id));
    else return undefined;
  }
  return [...ids];
}

/** Every string of the cassette: templates and branch conditions, where a turn may read an approval's values. */
function cassetteStrings(cassette: readonly Turn[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isRecord(v)) Object.values(v).forEach(walk);
  };
  cassette.forEach(walk);
  return out;
}

/**
 * The fields a `human-edit` may set: the keys of the approval requests' payloads, and the fields the cassette reads of an
 * approval's values (`{{result:N.values.F}}`, a branch on `N.values.F`). `undefined` when it cannot be known: no
 * approval request (the fault's trigger is never reached), or a payload given by a template.
 */
export function approvalFields(scenario: Scenario): { fields: string[]; read: (f: string) => boolean } | undefined {
  const requests = cassetteCalls(scenario.cassette).filter((c) => c.tool === 'request_approval');
  if (requests.length === 0) return undefined;
  const fields = new Set<string>();
  for (const c of requests) {
    const payload = c.args.payload;
    if (isRecord(payload)) Object.keys(payload).forEach((k) => fields.add(k));
    else if (typeof payload === 'string' && payload.includes('{{')) return undefined;
  }
  const strings = cassetteStrings(scenario.cassette);
  const read = (f: string) =>
    strings.some((s) => s.split(/[{}\s]+/).some((ref) => ref.split('.').some((seg, i, segs) => seg === 'values' && segs[i + 1] === f)));
  return { fields: [...fields], read };
}

/**
 * Refuses (InputError ORD-207, exit 2) a schedule whose faults name a resource the scenario does not have, or a field
 * no approval request of the scenario carries (`human-edit field=`), listing the ones it has.
 */
export function checkScenarioParams(schedule: Schedule, scenario: Scenario): void {
  for (const spec of schedule) checkSpec(spec, scenario);
}

function checkSpec(spec: FaultSpec, scenario: Scenario): void {
  const fault = faults[spec.fault];
  if (!fault) return;
  for (const [name, p] of Object.entries(fault.params)) {
    const given = spec[name];
    if (given === undefined) continue;
    const value = textOf(given);
    if (p.type === 'resource') {
      const ids = scenarioResources(scenario);
      if (ids === undefined || ids.includes(value)) continue;
      throw new InputError(
        ids.length === 0
          ? `fault ${spec.fault}: parameter '${name}' names resource '${value}', but scenario '${scenario.name}' has no resources (fixture.resources is empty and its cassette writes none): the fault would create a resource the agent never uses`
          : `fault ${spec.fault}: parameter '${name}' names resource '${value}', which scenario '${scenario.name}' does not have: expected one of ${list(ids)}`,
        'ORD-207',
      );
    }
    if (p.type === 'approval-edit') {
      const known = approvalFields(scenario);
      if (known === undefined || known.fields.includes(value) || known.read(value)) continue;
      throw new InputError(
        known.fields.length === 0
          ? `fault ${spec.fault}: parameter '${name}' names field '${value}', but the approval requests of scenario '${scenario.name}' carry no payload fields and its cassette reads no approval value '${value}': the edit would change nothing the agent sees`
          : `fault ${spec.fault}: parameter '${name}' names field '${value}', which no approval request of scenario '${scenario.name}' carries: expected one of ${list(known.fields)} (the fields of its request_approval payloads)`,
        'ORD-207',
      );
    }
  }
}
