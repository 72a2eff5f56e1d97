/** Every `ordeal` command, in the order `--help` lists them: one import and one entry each. */
import type { Argv } from 'yargs';
import { listCommand } from './list-command.js';
import { replayCommandCli } from './replay-command.js';
import { runCommand } from './run-command.js';

export const commands: ((y: Argv) => Argv)[] = [
  runCommand,
  replayCommandCli,
  listCommand,
];
