/** The gate's cases: adapters × scenarios × (schedules, or every single-fault point) × idempotency modes. */
import { adapterManifest, checkAdapterOptions } from '../../adapters/index.js';
import { OrdealError, UsageError } from '../errors.js';
import { checkScenarioParams, standardSchedules } from '../faults/index.js';
import { checkAdapterName, checkEngineLink, checkMachineFaults, type PlannedCase } from '../run/plan.js';
import { checkTimeFaults } from '../run/time-checks.js';
import { resolveScenario } from '../scenario/index.js';
import { resolveCheckFaults, singleFaultPoints } from '../schedule/index.js';
import type { Schedule } from '../store/index.js';
import type { GateConfig } from './config.js';
import { registerAdapterModule } from './load.js';

export interface GatePlanItem {
  idempotency: 'framework' | 'none';
  options: Record<string, string>;
  cases: PlannedCase[];
}

export async function planGate(config: GateConfig): Promise<GatePlanItem[]> {
  const names: { name: string; options: Record<string, string> }[] = [];
  for (const [i, a] of config.adapters.entries()) {
    if (a.module) {
      names.push({ name: await registerAdapterModule(a.module, config.file, `adapters[${i}].module`), options: a.options });
    } else {
      try {
        checkAdapterName(a.name!);
      } catch (e) {
        throw new UsageError(`${config.file}: field 'adapters[${i}]': ${(e as Error).message}`, 'ORD-240');
      }
      names.push({ name: a.name!, options: a.options });
    }
    // options are checked against the adapter's schema before any case starts
    try {
      checkAdapterOptions(names[names.length - 1]!.name, a.options);
    } catch (e) {
      if (!(e instanceof OrdealError)) throw e;
      throw new UsageError(`${config.file}: field 'adapters[${i}].options': ${e.message}`, e.code);
    }
  }
  const scenarios = config.scenarios.map((s, i) => {
    try {
      return resolveScenario(s);
    } catch (e) {
      throw new UsageError(`${config.file}: field 'scenarios[${i}]': ${(e as Error).message}`, 'ORD-240');
    }
  });
  const items: GatePlanItem[] = [];
  for (const { name, options } of names) {
    const hasEngine = adapterManifest(name).hasEngine;
    const cases: PlannedCase[] = [];
    for (const scenario of scenarios) {
      const schedules: Schedule[] = config.schedules === 'standard' ? standardSchedules(scenario, hasEngine) : config.schedules;
      if (!hasEngine && schedules.some((s) => s.some((f) => f.fault === 'kill-engine')) && config.schedules !== 'standard')
        throw new UsageError(`${config.file}: field 'schedules': kill-engine needs an adapter with an engine process; '${name}' has none`, 'ORD-240');
      for (const s of config.schedules === 'standard' ? [] : schedules)
        try {
          checkEngineLink(s, name, options);
          checkMachineFaults(
            s.map((f) => f.fault),
            name,
            options,
          );
          checkTimeFaults(s, name);
          checkScenarioParams(s, scenario);
        } catch (e) {
          throw new UsageError(`${config.file}: field 'schedules': ${(e as Error).message}`, 'ORD-240');
        }
      let checkFaults: ReturnType<typeof resolveCheckFaults>;
      try {
        checkFaults = config.check ? resolveCheckFaults(config.check.faults, hasEngine, name) : [];
        checkMachineFaults(checkFaults, name, options);
      } catch (e) {
        throw new UsageError(`${config.file}: field 'check.faults': ${(e as Error).message}`, 'ORD-240');
      }
      const points = config.check ? singleFaultPoints({ scenario, faults: checkFaults, hasEngine, maxFaults: 1 }) : [];
      const seen = new Set<string>();
      for (const schedule of [...schedules, ...points]) {
        const key = JSON.stringify(schedule);
        if (seen.has(key)) continue;
        seen.add(key);
        cases.push({ adapter: name, scenario, schedule });
      }
    }
    for (const idempotency of config.idempotency) items.push({ idempotency, options, cases });
  }
  return items;
}
