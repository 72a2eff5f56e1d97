/** Turns `ordeal run`'s options into the list of cases to run. */
import { adapterManifest } from '../../adapters/index.js';
import { UsageError } from '../errors.js';
import { textOf } from '../json.js';
import { checkScenarioParams, faults, parseFaultFlag, standardSchedules, validateSchedule } from '../faults/index.js';
import { builtinScenarioNames, parseJsonFile, resolveScenario, type Scenario } from '../scenario/index.js';
import type { Schedule } from '../store/index.js';
import type { RawOptions } from './options.js';
import { checkTimeFaults } from './time-checks.js';

export interface PlanOptions {
  adapter: string;
  scenarios?: string[];
  faults?: string[];
  scheduleFile?: string;
  /** The adapter options as given (`kill-engine target=` is checked against the engine they select). */
  options?: RawOptions;
}

export interface PlannedCase {
  adapter: string;
  scenario: Scenario;
  schedule: Schedule;
}

export function checkAdapterName(name: string): void {
  adapterManifest(name);
}

/**
 * A network fault with target=engine needs an adapter whose worker↔engine link can run through Toxiproxy, and a
 * `kill-engine target=` must name a process of the adapter's engine for these options (exit 2 otherwise).
 */
export function checkEngineLink(schedule: Schedule, adapter: string, options: RawOptions = {}): void {
  const entry = adapterManifest(adapter);
  const processes = entry.engineProcesses?.(options);
  for (const spec of schedule) {
    const target = spec.fault === 'kill-engine' && spec.target !== undefined ? textOf(spec.target) : undefined;
    if (target === undefined || !processes || target === 'engine' || processes.includes(target)) continue;
    throw new UsageError(
      `fault kill-engine target=${target} is not a process of adapter '${adapter}''s engine${Object.keys(options).length ? ' with these options' : ''}; expected one of engine, ${processes.join(', ')}`,
      'ORD-105',
    );
  }
  const f = schedule.find((spec) => faults[spec.fault]?.proxyTarget?.(spec) === 'engine');
  if (!f || entry.engineLink) return;
  const why = entry.hasEngine
    ? 'its worker↔engine connection cannot be routed through Toxiproxy'
    : 'it has no engine process (only target=world applies)';
  throw new UsageError(`fault ${f.fault} target=engine is not supported by adapter '${adapter}': ${why}`, 'ORD-105');
}

/**
 * The machine faults (power-loss, disk-full, fsync-error) cut, fill or fail the case's data directory only: an adapter
 * whose durable state is (with these options) partly elsewhere cannot be judged under them, so they are refused (exit 2).
 */
export function checkMachineFaults(faultNames: readonly string[], adapter: string, options: RawOptions = {}): void {
  const f = faultNames.find((n) => faults[n]?.needsDisk);
  if (f === undefined) return;
  const outside = adapterManifest(adapter).durableState?.(options).outside;
  if (outside === undefined) return;
  throw new UsageError(
    `fault ${f} is not supported by adapter '${adapter}'${Object.keys(options).length ? ' with these options' : ''}: it acts on the case's data directory only, and outside it ${outside}`,
    'ORD-390',
  );
}

export function planCases(o: PlanOptions): PlannedCase[] {
  checkAdapterName(o.adapter);
  if (o.faults?.length && o.scheduleFile)
    throw new UsageError('--fault and --schedule cannot be combined: give the faults in the schedule file', 'ORD-104');
  const scenarios = (o.scenarios?.length ? o.scenarios : builtinScenarioNames()).map((s) => resolveScenario(s));
  let given: Schedule | undefined;
  if (o.faults?.length) given = o.faults.map(parseFaultFlag);
  if (o.scheduleFile) given = validateSchedule(parseJsonFile(o.scheduleFile), o.scheduleFile);
  const hasEngine = adapterManifest(o.adapter).hasEngine;
  if (given?.some((f) => f.fault === 'kill-engine') && !hasEngine)
    throw new UsageError(`fault kill-engine needs an adapter with an engine process; '${o.adapter}' has none`, 'ORD-105');
  if (given) checkEngineLink(given, o.adapter, o.options);
  if (given)
    checkMachineFaults(
      given.map((f) => f.fault),
      o.adapter,
      o.options,
    );
  if (given) checkTimeFaults(given, o.adapter);
  if (given) for (const scenario of scenarios) checkScenarioParams(given, scenario);
  return scenarios.flatMap((scenario) =>
    (given ? [given] : standardSchedules(scenario, hasEngine)).map((schedule) => ({ adapter: o.adapter, scenario, schedule })),
  );
}
