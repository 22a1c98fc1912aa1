import type { Command } from 'commander';
import type { CliIo } from '../io.ts';

/** One `tandem` subcommand: it adds itself (arguments, options, action) to the program. */
export interface CliCommand {
  register(program: Command, io: CliIo): void;
}
