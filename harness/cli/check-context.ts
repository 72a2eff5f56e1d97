/** What `ordeal check` and `ordeal replay --seed` share: the schedule space a seed draws from, and the command that replays a case. */
import { isAbsolute, resolve } from 'node:path';
import { adapterManifest, findAdapter } from '../../adapters/index.js';
import { DEPLOY_ROLLOUTS } from '../agent/deploy.js';
import { UsageError } from '../errors.js';
import { checkAdapterName, checkMachineFaults } from '../run/plan.js';
import { parseOpts } from './common.js';
import { checkTimeFaults } from '../run/time-checks.js';
import { resolveScenario } from '../scenario/index.js';
import { applicable, resolveCheckFaults, type ScheduleSpace } from '../schedule/index.js';

export const DEFAULT_MAX_FAULTS = 3;

export interface CheckArgs {
  adapter: string;
  scenario?: string;
  faults?: string[];
  'max-faults': number;
  idempotency: 'framework' | 'none';
  opt?: string[];
}

export interface CheckContext {
  adapter: string;
  /** The scenario as the user named it: a built-in name, or an absolute path to its file. */
  scenarioArg: string;
  space: ScheduleSpace;
}

export function checkContext(a: CheckArgs): CheckContext {
  checkAdapterName(a.adapter);
  if (!a.scenario) throw new UsageError('--scenario is required: name one scenario (see ordeal list) or a path to a scenario .json file', 'ORD-122');
  if (!Number.isInteger(a['max-faults']) || a['max-faults'] < 1)
    throw new UsageError(`--max-faults ${a['max-faults']}: expected an integer ≥ 1 (faults per generated schedule)`, 'ORD-123');
  // `--faults ''` names no fault: refused like bench's `--adapter ,`, not read as "the default set" (leave --faults out for that)
  if (a.faults !== undefined && a.faults.every((f) => f.split(',').every((n) => n.trim() === '')))
    throw new UsageError(
      `--faults ${a.faults.map((f) => `'${f}'`).join(' ')}: names no fault: expected comma-separated fault names from ordeal list, e.g. --faults kill-worker,kill-engine (leave --faults out for the default set)`,
      'ORD-120',
    );
  const scenario = resolveScenario(a.scenario);
  const isFile = a.scenario.endsWith('.json') || a.scenario.includes('/');
  const { hasEngine, engineLink, deploy } = adapterManifest(a.adapter);
  const space: ScheduleSpace = {
    scenario,
    faults: resolveCheckFaults(a.faults, hasEngine, a.adapter),
    hasEngine,
    engineLink: engineLink === true,
    maxFaults: a['max-faults'],
    ...(deploy ? { deployChanges: deploy.changes, deployRollouts: deploy.blueGreen ? DEPLOY_ROLLOUTS : ['rolling'] } : {}),
  };
  // deploy and clock-jump as drawn (each change, target=worker) must be runnable on this adapter
  checkTimeFaults(
    space.faults.map((fault) => ({ fault, at: 'step:1' })),
    a.adapter,
  );
  checkMachineFaults(space.faults, a.adapter, parseOpts(a.opt));
  const usable = new Set(applicable(space).map((o) => o.fault.name));
  const unusable = space.faults.filter((f) => !usable.has(f));
  if (unusable.length)
    throw new UsageError(
      `--faults: ${unusable.join(', ')} cannot be drawn in scenario '${scenario.name}': none of its triggers occur there, or it needs parameters it does not declare in its 'params'`,
      'ORD-121',
    );
  return { adapter: a.adapter, scenarioArg: isFile ? (isAbsolute(a.scenario) ? a.scenario : resolve(a.scenario)) : a.scenario, space };
}

const quote = (s: string) => (/^[A-Za-z0-9_./:=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The one command that regenerates the schedule at (seed, path) and runs it again (`options`: the case's, adapter flags included). */
export function seedReplayCommand(c: CheckContext, a: CheckArgs, seed: number, path: string, options: Record<string, string>): string {
  // a team's own adapter is named by its module's file, as it was given
  const adapter = findAdapter(c.adapter)?.module ?? c.adapter;
  const args = ['ordeal', 'replay', '--seed', String(seed), '--path', path, '--adapter', adapter, '--scenario', c.scenarioArg];
  args.push('--faults', c.space.faults.join(','), '--idempotency', a.idempotency);
  if (c.space.maxFaults !== DEFAULT_MAX_FAULTS) args.push('--max-faults', String(c.space.maxFaults));
  for (const [k, v] of Object.entries(options)) args.push('--opt', `${k}=${v}`);
  return args.map(quote).join(' ');
}

export function checkPath(path: string): string {
  if (!/^[0-9]+(:[0-9]+)*$/.test(path))
    throw new UsageError(`--path '${path}': expected fast-check's path, numbers joined by ':', e.g. 12:0:3`, 'ORD-124');
  return path;
}
