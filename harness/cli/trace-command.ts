import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { FILES, isRunFolder, readRunFolder } from '../store/index.js';
import { buildTimeline, renderTimeline } from '../telemetry/index.js';
import { checkFlags } from './flags.js';

export function traceCommand(y: Argv) {
  return y.command(
    'trace <run-folder>',
    'show the timeline of one case: each process incarnation, its steps, effects (duplicates marked), faults and approvals',
    (a) =>
      a
        .positional('run-folder', { type: 'string', demandOption: true, describe: 'a folder under runs/' })
        .option('json', { type: 'boolean', default: false, describe: 'print the timeline as JSON: {lanes, events, traceIds, …}' })
        .check(checkFlags({ 'run-folder': { type: 'string', description: 'a run folder' }, json: { type: 'boolean', description: 'JSON' } }))
        .example('$0 trace runs/20260101T000000Z-refund-agent-reference-ab12cd', 'see what the agent did across the kill'),
    (argv) => {
      const dir = argv['run-folder'];
      if (!isRunFolder(dir))
        throw new InputError(`${dir}: not a run folder (expected a folder with ${FILES.run}, as written by ordeal run)`, 'ORD-211');
      const timeline = buildTimeline(readRunFolder(dir));
      process.stdout.write(argv.json ? JSON.stringify(timeline, null, 2) + '\n' : renderTimeline(timeline) + '\n');
    },
  );
}
