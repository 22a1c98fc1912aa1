import { relative } from 'node:path';
import { runExperiment } from '../../orchestrator/run-experiment.ts';
import { builtinPlugins } from '../../plugins/index.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/**
 * `tandem run <config> [overrides…]`: handshake, run directory, then the stages. Stages that are not built yet
 * are reported as such; the run still exits 0 when nothing failed (its status is `partial`, not `complete`).
 */
export const runCommand: CliCommand = {
  register(program, io) {
    program
      .command('run')
      .description('Run an experiment: handshake, then the data, model, train and evaluate stages, then reports.')
      .argument('<config>', 'experiment config file, e.g. conf/quickstart.yaml')
      .argument('[overrides...]', 'Hydra-style overrides: key=value, +key=value, ++key=value, ~key, group=option')
      .option('--outputs <dir>', 'root of the run directories', 'outputs')
      .option('--json', 'print the run summary as JSON')
      .action(async (configFile: string, overrides: string[], options: { outputs: string; json?: boolean }) => {
        const { runDir, handshake, summary } = await runExperiment({ configFile, overrides, builtins: builtinPlugins, outputsRoot: options.outputs });
        if (options.json) {
          io.out(toJson({ ...summary, pendingPluginKinds: handshake.pendingKinds }));
          return;
        }
        io.out(`config ${configFile}: hash sha256:${handshake.frozen.hash}\n`);
        io.out(`run directory: ${relative(process.cwd(), runDir) || '.'}\n`);
        if (handshake.pendingKinds.length) io.out(`no plugins registered yet for: ${handshake.pendingKinds.join(', ')}\n`);
        for (const stage of summary.stages) io.out(`stage ${stage.stage}: ${stage.status === 'done' ? stage.detail || 'done' : stage.detail}\n`);
        const pending = summary.stages.filter((s) => s.status === 'pending').map((s) => s.stage);
        io.out(
          summary.status === 'complete'
            ? 'run complete\n'
            : `run finished with ${pending.length} stage(s) not built yet (${pending.join(', ')}); status: ${summary.status}\n`,
        );
      });
  },
};
