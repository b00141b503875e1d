/** The list of `torsion` sub-commands, in the order `--help` shows them. */
import type { Command } from '../command';
import { gdpCommand } from './gdp';
import { launchCommand } from './launch';
import { passwdCommand } from './passwd';
import { serveCommand } from './serve';
import { tokenCommand } from './token';

export const commands: readonly Command[] = [
  gdpCommand,
  launchCommand,
  passwdCommand,
  serveCommand,
  tokenCommand,
];
