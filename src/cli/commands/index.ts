/** The list of `torsion` sub-commands, in the order `--help` shows them. */
import type { Command } from '../command';
import { gdpCommand } from './gdp';

export const commands: readonly Command[] = [
  gdpCommand,
];
