/** The gate's configuration: the matrix a team commits to, validated by hand so every error names its field. */
import { MAX_DELAY_MS as MAX_TIMER_MS } from '../faults/types.js';
import { InputError, OrdealError } from '../errors.js';
import { parseFaultFlag, validateFaultSpec } from '../faults/index.js';
import { checkers } from '../checks/index.js';
import { isRecord } from '../json.js';
import { TELEMETRY_METRICS } from '../telemetry/metrics.js';
import type { FaultSpec, Schedule } from '../store/index.js';
import { imageOverrides, LAUNCHERS, type LauncherKind } from '../launch/containers.js';

export interface GateAdapter {
  /** A registered adapter name, or (for a module) the adapter's own name once loaded. */
  name?: string;
  /** Path to a JS module default-exporting an `Adapter`, relative to the config file. */
  module?: string;
  /** Adapter options (`--opt key=value`). */
  options: Record<string, string>;
}

export interface GateConfig {
  file: string;
  adapters: GateAdapter[];
  scenarios: string[];
  /** Explicit fault schedules, or the standard fault set of each scenario. */
  schedules: Schedule[] | 'standard';
  /** Also (or instead) every single-fault point of each scenario, as `ordeal check --exhaustive` runs them. */
  check?: { exhaustive: true; faults?: string[] };
  idempotency: ('framework' | 'none')[];
  /** Checkers whose guarantee must hold on every case. */
  require: string[];
  /** Metric name → maximum allowed value. */
  thresholds: Record<string, number>;
  /** Per-case timeout; undefined: each adapter's own (`caseTimeoutMs`, as `ordeal run` without `--timeout`). */
  timeoutMs?: number;
  seed: number;
  /** Where engines run (`--launcher`); the command line's flag wins. */
  launcher?: LauncherKind;
  /** `ENGINE=IMAGE[,bin=PATH]` images for the containers launcher (`--image`). */
  images?: string[];
}

/** Short names for the thresholds teams ask for most; any other key must be a metric name (`checker.metric`). */
export const THRESHOLD_ALIASES: Record<string, string> = {
  maxRecoveryMs: 'recovery.maxRecoveryMs',
  maxReexecutedSteps: 'wasted-work.reexecutedSteps',
  maxRepeatedLlmCalls: 'wasted-work.repeatedLlmCalls',
  maxRespentTokens: 'wasted-work.respentTokens',
  maxWorkerRestarts: 'wasted-work.workerRestarts',
  maxDurationMs: 'completion.durationMs',
};

const KNOWN = [
  'adapters',
  'scenarios',
  'schedules',
  'check',
  'idempotency',
  'require',
  'thresholds',
  'timeoutMs',
  'seed',
  'launcher',
  'images',
  '$schema',
  'description',
];

export function validateGateConfig(raw: unknown, file: string): GateConfig {
  const fail = (field: string, expected: string): never => {
    throw new InputError(`${file}: field '${field}' ${expected}`, 'ORD-240');
  };
  const str = (v: unknown, field: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(field, 'must be a non-empty string'));
  const strList = (v: unknown, field: string): string[] =>
    Array.isArray(v) && v.length > 0 ? v.map((x, i) => str(x, `${field}[${i}]`)) : fail(field, 'must be a non-empty array of strings');
  if (!isRecord(raw)) fail('(root)', 'must be an object (the gate configuration)');
  const c = raw as Record<string, unknown>;
  for (const k of Object.keys(c))
    if (!KNOWN.includes(k)) fail(k, `is not a gate setting: expected one of ${KNOWN.filter((x) => x !== '$schema').join(', ')}`);

  if (!Array.isArray(c.adapters) || c.adapters.length === 0)
    fail('adapters', 'must be a non-empty array of adapter names or {name|module, options?}');
  const adapters = (c.adapters as unknown[]).map((a, i): GateAdapter => {
    if (typeof a === 'string') return { name: str(a, `adapters[${i}]`), options: {} };
    if (!isRecord(a)) return fail(`adapters[${i}]`, 'must be an adapter name or {name|module, options?}');
    for (const k of Object.keys(a))
      if (!['name', 'module', 'options'].includes(k)) fail(`adapters[${i}].${k}`, 'is not an adapter setting: expected name or module, and options');
    if (a.name === undefined && a.module === undefined)
      fail(`adapters[${i}]`, "must have 'name' (a registered adapter) or 'module' (a path to your adapter module)");
    const options: Record<string, string> = {};
    if (a.options !== undefined) {
      if (!isRecord(a.options)) fail(`adapters[${i}].options`, 'must be an object of option: value');
      for (const [k, v] of Object.entries(a.options as Record<string, unknown>)) {
        if (!['string', 'number', 'boolean'].includes(typeof v)) fail(`adapters[${i}].options.${k}`, 'must be a string, number or boolean');
        options[k] = String(v);
      }
    }
    return {
      ...(a.name !== undefined ? { name: str(a.name, `adapters[${i}].name`) } : {}),
      ...(a.module !== undefined ? { module: str(a.module, `adapters[${i}].module`) } : {}),
      options,
    };
  });

  if (c.description !== undefined && typeof c.description !== 'string') fail('description', 'must be a string (what the gate is for)');
  const scenarios = strList(c.scenarios, 'scenarios');

  let schedules: Schedule[] | 'standard' = 'standard';
  if (c.schedules !== undefined && c.schedules !== 'standard') {
    if (!Array.isArray(c.schedules) || c.schedules.length === 0)
      fail(
        'schedules',
        `must be "standard" or a non-empty array of schedules (each "FAULT@TRIGGER", "none", or an array of those or of {fault, at})`,
      );
    schedules = (c.schedules as unknown[]).map((s, i) => {
      const one = (f: unknown, field: string): FaultSpec => {
        try {
          if (typeof f === 'string') return parseFaultFlag(f);
          if (!isRecord(f)) return fail(field, 'must be "FAULT@TRIGGER" or {fault, at, …params}');
          validateFaultSpec(f as FaultSpec, `${file}: field '${field}'`);
          return f as FaultSpec;
        } catch (e) {
          if (e instanceof OrdealError && !e.message.startsWith(file)) fail(field, `is not a valid fault: ${e.message.replace(/^--fault /, '')}`);
          throw e;
        }
      };
      if (typeof s === 'string') return s === 'none' ? [] : [one(s, `schedules[${i}]`)];
      if (!Array.isArray(s)) return fail(`schedules[${i}]`, 'must be "FAULT@TRIGGER", "none", or an array of faults');
      return s.map((f, j) => one(f, `schedules[${i}][${j}]`));
    });
  }

  let check: GateConfig['check'];
  if (c.check !== undefined) {
    if (!isRecord(c.check) || c.check.exhaustive !== true)
      fail('check', 'must be {"exhaustive": true, "faults"?: [names]} (every single-fault point of each scenario)');
    const ch = c.check as Record<string, unknown>;
    for (const k of Object.keys(ch))
      if (!['exhaustive', 'faults'].includes(k)) fail(`check.${k}`, 'is not a check setting: expected exhaustive and faults');
    check = { exhaustive: true, ...(ch.faults !== undefined ? { faults: strList(ch.faults, 'check.faults') } : {}) };
  }

  const idempotency = (c.idempotency === undefined ? ['framework'] : strList(c.idempotency, 'idempotency')).map((v, i) =>
    v === 'framework' || v === 'none' ? v : fail(`idempotency[${i}]`, `must be "framework" or "none" (got '${v}')`),
  );

  const require = c.require === undefined ? Object.keys(checkers) : strList(c.require, 'require');
  require.forEach((r, i) => checkers[r] || fail(`require[${i}]`, `names no checker ('${r}'): expected one of ${Object.keys(checkers).join(', ')}`));

  const thresholds: Record<string, number> = {};
  if (c.thresholds !== undefined) {
    if (!isRecord(c.thresholds)) fail('thresholds', 'must be an object of name: maximum');
    for (const [k, v] of Object.entries(c.thresholds as Record<string, unknown>)) {
      const metric =
        THRESHOLD_ALIASES[k] ??
        (k.includes('.')
          ? k
          : fail(
              `thresholds.${k}`,
              `is not a threshold: expected one of ${Object.keys(THRESHOLD_ALIASES).join(', ')} or a metric name like recovery.maxRecoveryMs`,
            ));
      // a metric is `<checker>.<name>` or `telemetry.<name>`: a name no case can report would make the threshold never fire
      const [source, name] = [metric.slice(0, metric.indexOf('.')), metric.slice(metric.indexOf('.') + 1)];
      if (source !== 'telemetry' && !(source in checkers))
        fail(`thresholds.${k}`, `names no metric: '${source}' is neither a checker (${Object.keys(checkers).join(', ')}) nor telemetry`);
      const checker = checkers[source];
      if (checker && !checker.metrics.includes(name))
        fail(`thresholds.${k}`, `names no metric: the ${source} checker reports ${checker.metrics.join(', ')} (got '${name}')`);
      if (source === 'telemetry' && !(TELEMETRY_METRICS as readonly string[]).includes(name))
        fail(
          `thresholds.${k}`,
          `names no metric: telemetry gives ${TELEMETRY_METRICS.join(', ')} (recovery times and repeated model calls are the recovery and wasted-work checkers' metrics)`,
        );
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`thresholds.${k}`, 'must be a number ≥ 0 (the maximum allowed)');
      thresholds[metric] = v as number;
    }
  }
  if (c.launcher !== undefined && !(LAUNCHERS as readonly unknown[]).includes(c.launcher))
    fail('launcher', `must be one of ${LAUNCHERS.join(', ')} (where engines run)`);
  let images: string[] | undefined;
  if (c.images !== undefined) {
    images = strList(c.images, 'images');
    images.forEach((item, i) => {
      try {
        imageOverrides(item);
      } catch (e) {
        fail(`images[${i}]`, `is not an image: ${(e as Error).message.replace(/^--image /, '')}`);
      }
    });
  }
  const int = (v: unknown, field: string, dflt: number, min: number, max: number): number =>
    v === undefined
      ? dflt
      : Number.isInteger(v) && (v as number) >= min && (v as number) <= max
        ? (v as number)
        : fail(field, `must be an integer from ${min} to ${max}`);

  // an entry given twice would run every case of it twice and count its verdicts twice
  const once = (list: unknown[], field: string) =>
    list.forEach((x, i) => {
      const j = list.findIndex((y) => JSON.stringify(y) === JSON.stringify(x));
      if (j < i) fail(`${field}[${i}]`, `repeats ${field}[${j}] (${JSON.stringify(x)}): expected each entry once`);
    });
  once(adapters, 'adapters');
  once(scenarios, 'scenarios');
  once(idempotency, 'idempotency');
  if (schedules !== 'standard') once(schedules, 'schedules');

  return {
    file,
    adapters,
    scenarios,
    schedules,
    ...(check ? { check } : {}),
    idempotency,
    require,
    thresholds,
    // a longer timer would fire at once
    ...(c.timeoutMs !== undefined ? { timeoutMs: int(c.timeoutMs, 'timeoutMs', 0, 1000, MAX_TIMER_MS) } : {}),
    seed: int(c.seed, 'seed', 1, 0, 2 ** 31 - 1),
    ...(c.launcher !== undefined ? { launcher: c.launcher as LauncherKind } : {}),
    ...(images ? { images } : {}),
  };
}
