import { baselineCommand } from './baseline.ts';
import { benchCommand } from './bench.ts';
import type { CliCommand } from './command.ts';
import { conformanceCommand } from './conformance.ts';
import { configShowCommand } from './config-show.ts';
import { inferCommand } from './infer.ts';
import { parityCommand } from './parity.ts';
import { planCommand } from './plan.ts';
import { pluginsCommand } from './plugins.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { trackerCommand } from './tracker.ts';
import { workerCommand } from './worker.ts';
import { zooCommand } from './zoo.ts';

/** Every `tandem` subcommand, in help order. To add one: write `commands/<name>.ts` and append it here. */
export const commands: CliCommand[] = [
  runCommand,
  workerCommand,
  inferCommand,
  parityCommand,
  baselineCommand,
  configShowCommand,
  pluginsCommand,
  benchCommand,
  conformanceCommand,
  zooCommand,
  planCommand,
  reportCommand,
  trackerCommand,
];
