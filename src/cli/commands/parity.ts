import { relative } from 'node:path';
import { runParity } from '../../orchestrator/parity/run-parity.ts';
import { verdictTable } from '../../parity/verdict-table.ts';
import { builtinPlugins } from '../../orchestrator/composition-root.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/** A parity run that completed and found differences: exit 1 (a setup problem is 2, raised before this). */
export class ParityFailedError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'ParityFailedError';
  }
}

/**
 * `tandem parity <config> [overrides…] [--select <experiment>/<backend>/<stage>]… [--json]`: compare backends
 * with the reference stage by stage (specs/parity.md). Exit 0 when every selected case passes, 1 when one fails
 * or errors, 2 for usage and setup errors (a selector matching nothing, no reference, a negative tolerance).
 */
export const parityCommand: CliCommand = {
  register(program, io) {
    program
      .command('parity')
      .description('Compare backends with the PyTorch reference stage by stage (init, forward, loss, gradients, step, trajectory, eval); writes parity.json.')
      .argument('<config>', 'experiment config file, e.g. conf/quickstart.yaml')
      .argument('[overrides...]', 'Hydra-style overrides, e.g. parity.trajectory_steps=50')
      .option('--select <selectors>', 'case selector(s) <experiment>/<backend>/<stage>, globs allowed, comma-separated or repeated', (v: string, prev: string[] = []) => [...prev, v])
      .option('--outputs <dir>', 'root of the run directories', 'outputs')
      .option('--baselines <dir>', 'folder holding recorded baselines (parity.reference=baseline:<name>)', 'baselines')
      .option('--json', 'print the parity report (parity.json) instead of the table')
      .action(async (configFile: string, overrides: string[], options: { select?: string[]; outputs: string; baselines: string; json?: boolean }) => {
        const { report, reportPath } = await runParity({
          configFile,
          overrides,
          builtins: builtinPlugins,
          outputsRoot: options.outputs,
          baselinesRoot: options.baselines,
          selectors: options.select ?? [],
          onCase: options.json ? undefined : (c) => io.err(`  ${c.id}: ${c.verdict} (${c.timing.seconds.toFixed(2)} s)\n`),
        });
        if (options.json) io.out(toJson(report));
        else io.out(`${verdictTable(report)}report: ${relative(process.cwd(), reportPath)}\n`);
        if (report.summary.verdict !== 'pass') {
          const { counts } = report.summary;
          throw new ParityFailedError(`parity ${report.summary.verdict}: ${counts.fail} case(s) failed, ${counts.error} errored; details in ${relative(process.cwd(), reportPath)}`);
        }
      });
  },
};
