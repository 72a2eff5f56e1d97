/** Every `ordeal` command, in the order `--help` lists them: one import and one entry each. */
import type { Argv } from 'yargs';
import { benchCommand } from './bench-command.js';
import { checkCommand } from './check-command.js';
import { enginesCommand } from './engines-command.js';
import { gateCommand } from './gate-command.js';
import { initCommand } from './init-command.js';
import { listCommand } from './list-command.js';
import { replayCommandCli } from './replay-command.js';
import { recordCommand } from './record-command.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';
import { traceCommand } from './trace-command.js';

export const commands: ((y: Argv) => Argv)[] = [
  runCommand,
  checkCommand,
  replayCommandCli,
  traceCommand,
  reportCommand,
  gateCommand,
  recordCommand,
  initCommand,
  benchCommand,
  listCommand,
  enginesCommand,
];
