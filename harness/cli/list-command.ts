import type { Argv } from 'yargs';
import { adapterManifests } from '../../adapters/index.js';
import { checkers } from '../checks/index.js';
import { faultHelp, faults, TRIGGER_HELP } from '../faults/index.js';
import type { AdapterManifest, DurableState } from '../run/manifest.js';
import { describeOptions, type OptionInfo } from '../run/options.js';
import { builtinScenarioNames, resolveScenario } from '../scenario/index.js';

/** An adapter as `ordeal list --json` shows it: its manifest without the code. */
export interface AdapterInfo {
  description: string;
  hasEngine: boolean;
  engineLink: boolean;
  caseTimeoutMs?: number;
  /** The installed engines its cases need (`ordeal engines install <name>`). */
  requires?: readonly string[];
  /** Its options by name; null: it declares none, and options reach it unchecked (a user's adapter). */
  options: Record<string, OptionInfo> | null;
  flags?: Record<string, string>;
  /** Where it keeps its durable state with default options (absent: a user's adapter, all of it under the data directory). */
  durableState?: DurableState;
  /** The attempts its retry policy gives a step (a model or tool call) with default options (absent: it declares no bound). */
  stepAttempts?: number;
  /**
   * How its version 2 ships for the `deploy` fault: the changes it carries, how, its versioning tool and how version 2
   * runs beside version 1 in a blue-green deploy (absent: no deploy).
   */
  deploy?: { changes: readonly string[]; how: string; versioning?: string; blueGreen?: string };
}

export function adapterInfo(m: AdapterManifest): AdapterInfo {
  return {
    description: m.description,
    hasEngine: m.hasEngine,
    engineLink: m.engineLink === true,
    ...(m.caseTimeoutMs ? { caseTimeoutMs: m.caseTimeoutMs } : {}),
    ...(m.requires ? { requires: m.requires } : {}),
    options: m.options ? describeOptions(m.options) : null,
    ...(m.flags ? { flags: m.flags } : {}),
    ...(m.durableState ? { durableState: m.durableState({}) } : {}),
    ...(m.stepAttempts ? { stepAttempts: m.stepAttempts({}) } : {}),
    ...(m.deploy
      ? {
          deploy: {
            changes: m.deploy.changes,
            how: m.deploy.how,
            ...(m.deploy.versioning ? { versioning: m.deploy.versioning } : {}),
            ...(m.deploy.blueGreen ? { blueGreen: m.deploy.blueGreen } : {}),
          },
        }
      : {}),
  };
}

/** The lines under an adapter in `ordeal list`: one per option, `--opt name=VALUES  description — expected; default`. */
function optionLines(a: AdapterInfo, indent: string): string[] {
  if (!a.options) return [`${indent}options: any --opt key=value, passed through unchecked`];
  const rows = Object.entries(a.options).map(([name, o]) => {
    const values = o.choices ? o.choices.join('|') : o.type === 'boolean' ? 'true|false' : o.type.toUpperCase();
    const dflt = o.default !== undefined ? `default ${o.default}` : o.defaultNote ? `default ${o.defaultNote}` : 'no default';
    const flags = Object.entries(a.flags ?? {}).flatMap(([flag, opt]) => (opt === name ? [`, --${flag}`] : []));
    return [
      `--opt ${name}=${values}${flags.join('')}`,
      `${o.description}${o.choices || o.type === 'boolean' ? '' : ` — ${o.expected}`}; ${dflt}`,
    ] as const;
  });
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`);
}

/** Where an adapter keeps its durable state, as `ordeal list` prints it under the adapter. */
function durableLine(d: DurableState): string {
  const inside = d.paths.length ? `durable state in <run>/data: ${d.paths.join(', ')}` : 'no durable state in <run>/data';
  return d.outside ? `${inside}; outside it: ${d.outside} (machine faults refused)` : inside;
}

/** `deploy: change, … — how version 2 ships; versioning=on: the tool` under an adapter that declares deploy. */
function deployLine(d: NonNullable<AdapterInfo['deploy']>): string {
  return (
    `deploy: ${d.changes.join(', ')} — ${d.how}; --opt versioning=on: ${d.versioning ?? 'none (no versioning tool)'}; ` +
    `rollout=blue-green: ${d.blueGreen ?? 'not declared'}`
  );
}

export function listCommand(y: Argv) {
  return y.command(
    'list',
    'list adapters (with their options), scenarios, faults, triggers and checkers, one line each',
    (a) => a.option('json', { type: 'boolean', default: false, describe: 'print them by name as JSON' }),
    (argv) => {
      const adapters = Object.fromEntries(adapterManifests().map((m) => [m.name, adapterInfo(m)]));
      const sections: Record<string, Record<string, string>> = {
        scenarios: Object.fromEntries(builtinScenarioNames().map((n) => [n, resolveScenario(n).description])),
        faults: Object.fromEntries(Object.values(faults).map((f) => [f.name, faultHelp(f) + (f.needsEngine ? ' [adapters with an engine]' : '')])),
        triggers: TRIGGER_HELP,
        checkers: Object.fromEntries(Object.values(checkers).map((c) => [c.name, c.description])),
      };
      if (argv.json) {
        process.stdout.write(JSON.stringify({ adapters, ...sections }, null, 2) + '\n');
        return;
      }
      const wa = Math.max(...Object.keys(adapters).map((k) => k.length));
      process.stdout.write('adapters:\n');
      for (const [k, a] of Object.entries(adapters)) {
        process.stdout.write(
          `  ${k.padEnd(wa)}  ${a.description}${a.hasEngine ? ' [has an engine]' : ''}${a.requires ? ` [needs: ordeal engines install ${a.requires.join(' ')}]` : ''}\n`,
        );
        for (const line of optionLines(a, ' '.repeat(wa + 6))) process.stdout.write(`${line}\n`);
        if (a.durableState) process.stdout.write(`${' '.repeat(wa + 6)}${durableLine(a.durableState)}\n`);
        if (a.stepAttempts) process.stdout.write(`${' '.repeat(wa + 6)}retry policy: ${a.stepAttempts} attempts per step (model or tool call)\n`);
        if (a.deploy) process.stdout.write(`${' '.repeat(wa + 6)}${deployLine(a.deploy)}\n`);
      }
      process.stdout.write('\n');
      for (const [title, entries] of Object.entries(sections)) {
        process.stdout.write(`${title}:\n`);
        const w = Math.max(...Object.keys(entries).map((k) => k.length));
        for (const [k, v] of Object.entries(entries)) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
        process.stdout.write('\n');
      }
    },
  );
}
