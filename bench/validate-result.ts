/**
 * A bench.json read back (`ordeal report --bench`), checked field by field against what `ordeal bench` writes, so a
 * damaged or hand-edited file is an input error naming the field, never a crash of the renderers.
 */
import { InputError } from '../harness/errors.js';
import { isRecord } from '../harness/json.js';
import type { BenchResult } from './run-bench.js';

type Check = (v: unknown, at: string) => void;

export function validateBenchResult(raw: unknown, file: string): BenchResult {
  const fail = (at: string, expected: string, got: unknown): never => {
    at ||= '(root)';
    const shown = JSON.stringify(got)?.slice(0, 80) ?? 'nothing';
    throw new InputError(`${file}: field '${at}' must be ${expected} (got ${shown}); expected the bench.json that ordeal bench writes`, 'ORD-233');
  };
  const num: Check = (v, at) => {
    if (typeof v !== 'number') fail(at, 'a number', v);
  };
  const str: Check = (v, at) => {
    if (typeof v !== 'string') fail(at, 'a string', v);
  };
  const obj = (fields: Record<string, Check>, optional: string[] = []): Check => {
    return (v, at) => {
      if (!isRecord(v)) return fail(at, 'an object', v);
      for (const [k, check] of Object.entries(fields)) {
        if (v[k] === undefined && optional.includes(k)) continue;
        check(v[k], at ? `${at}.${k}` : k);
      }
    };
  };
  const map =
    (check: Check): Check =>
    (v, at) => {
      if (!isRecord(v)) return fail(at, 'an object', v);
      for (const [k, x] of Object.entries(v)) check(x, `${at}.${k}`);
    };
  const quantiles = obj({ p50: num, p99: num });
  const shape = obj({ perStepMs: quantiles, ratioToFloor: num, ratioToBareLoop: num, byN: map(quantiles) }, ['ratioToBareLoop']);
  const shapeFloor = obj({ perStepMs: num, fdatasyncs: num, roundTrips: num, counts: str });
  const bareLoop = obj({ chain: shape, fanOut: shape, oneCallTurnMs: quantiles });
  const figures = obj(
    {
      chain: shape,
      fanOut: shape,
      oneCallTurnMs: quantiles,
      throughput: obj({ workflowsPerS: num, stepsPerS: num }),
      recoveryMs: obj({ p50: num }),
      peakRssMb: num,
      storeFloor: obj({ store: str, commitMs: quantiles }),
      inProcess: obj({ perStepMs: quantiles, ratioToFloor: num }),
      warmProcess: obj({ perTurnMs: quantiles, ratioToFloor: num, turns: num }),
    },
    ['storeFloor', 'inProcess', 'warmProcess'],
  );
  // an adapter that could not be benched is {missing: why}
  const adapter: Check = (v, at) => (isRecord(v) && typeof v.missing === 'string' ? undefined : figures(v, at));
  obj(
    {
      machine: obj({
        cpus: num,
        cpuModel: str,
        memGb: num,
        node: str,
        os: str,
        loadAvg1m: num,
        steps: (v, at) => Array.isArray(v) || fail(at, 'an array of step counts', v),
      }),
      floor: obj({
        fdatasyncMs: quantiles,
        sqliteFullInsertMs: quantiles,
        loopback: obj({ modelCallMs: quantiles, toolCallMs: quantiles, burst: obj({ n: num, p50Ms: num, oneP50Ms: num }) }),
        chain: shapeFloor,
        fanOut: shapeFloor,
      }),
      bareLoop,
      bareLoopPython: bareLoop,
      adapters: map(adapter),
      harness: obj({ casesPerMin: num, jobs: num, cases: num, phasesMs: map(num) }),
    },
    ['bareLoopPython'],
  )(raw, '');
  return raw as BenchResult;
}
