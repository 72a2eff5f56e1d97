/** Turns `ordeal run`'s options into the list of cases to run. */
import { adapters } from '../../adapters/index.js';
import { UsageError } from '../errors.js';
import { parseFaultFlag, standardSchedules, validateSchedule } from '../faults/index.js';
import { builtinScenarioNames, parseJsonFile, resolveScenario, type Scenario } from '../scenario/index.js';
import type { Schedule } from '../store/index.js';

export interface PlanOptions {
  adapter: string;
  scenarios?: string[];
  faults?: string[];
  scheduleFile?: string;
}

export interface PlannedCase {
  adapter: string;
  scenario: Scenario;
  schedule: Schedule;
}

export function checkAdapterName(name: string): void {
  if (!adapters[name]) throw new UsageError(`unknown adapter '${name}': expected one of ${Object.keys(adapters).join(', ')}`, 'ORD-101');
}

export function planCases(o: PlanOptions): PlannedCase[] {
  checkAdapterName(o.adapter);
  if (o.faults?.length && o.scheduleFile) throw new UsageError('--fault and --schedule cannot be combined: give the faults in the schedule file', 'ORD-104');
  const scenarios = (o.scenarios?.length ? o.scenarios : builtinScenarioNames()).map((s) => resolveScenario(s));
  let given: Schedule | undefined;
  if (o.faults?.length) given = o.faults.map(parseFaultFlag);
  if (o.scheduleFile) given = validateSchedule(parseJsonFile(o.scheduleFile), o.scheduleFile);
  const hasEngine = adapters[o.adapter]!.hasEngine;
  if (given?.some((f) => f.fault === 'kill-engine') && !hasEngine)
    throw new UsageError(`fault kill-engine needs an adapter with an engine process; '${o.adapter}' has none`, 'ORD-105');
  return scenarios.flatMap((scenario) =>
    (given ? [given] : standardSchedules(scenario, hasEngine)).map((schedule) => ({ adapter: o.adapter, scenario, schedule })),
  );
}
