import type { Argv } from 'yargs';
import { adapters } from '../../adapters/index.js';
import { checkers } from '../checks/index.js';
import { faultHelp, faults, TRIGGER_HELP } from '../faults/index.js';
import { builtinScenarioNames, resolveScenario } from '../scenario/index.js';

export function listCommand(y: Argv) {
  return y.command(
    'list',
    'list adapters, scenarios, faults, triggers and checkers, one line each',
    (a) => a.option('json', { type: 'boolean', default: false, describe: 'print them by name as JSON' }),
    (argv) => {
      const sections: Record<string, Record<string, string>> = {
        adapters: Object.fromEntries(Object.entries(adapters).map(([n, a]) => [n, a.description + (a.hasEngine ? ' [has an engine]' : '')])),
        scenarios: Object.fromEntries(builtinScenarioNames().map((n) => [n, resolveScenario(n).description])),
        faults: Object.fromEntries(Object.values(faults).map((f) => [f.name, faultHelp(f) + (f.needsEngine ? ' [adapters with an engine]' : '')])),
        triggers: TRIGGER_HELP,
        checkers: Object.fromEntries(Object.values(checkers).map((c) => [c.name, c.description])),
      };
      if (argv.json) {
        process.stdout.write(JSON.stringify(sections, null, 2) + '\n');
        return;
      }
      for (const [title, entries] of Object.entries(sections)) {
        process.stdout.write(`${title}:\n`);
        const w = Math.max(...Object.keys(entries).map((k) => k.length));
        for (const [k, v] of Object.entries(entries)) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
        process.stdout.write('\n');
      }
    },
  );
}
