import { benchCommand } from './bench.ts';
import type { CliCommand } from './command.ts';
import { configShowCommand } from './config-show.ts';
import { pluginsCommand } from './plugins.ts';
import { runCommand } from './run.ts';

/** Every `tandem` subcommand, in help order. To add one: write `commands/<name>.ts` and append it here. */
export const commands: CliCommand[] = [
  runCommand,
  configShowCommand,
  pluginsCommand,
  benchCommand,
];
