import { relative } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../orchestrator/errors.ts';
import { runExperiment } from '../../orchestrator/run-experiment.ts';
import type { ResumeRequest } from '../../train/checkpoint/resume.ts';
import { builtinPlugins } from '../../orchestrator/composition-root.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';
import { runMultirun } from './multirun.ts';

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
      .option('-m, --multirun', 'sweep: run every combination of comma-separated override values (a=1,2 b=x,y is 4 jobs), under multirun/ unless --outputs is given')
      .option('--resume <checkpoint>', 'continue from a checkpoint: "last" (newest run under --outputs), a run directory or a checkpoint directory; same as resume=<...>')
      .option('--force', 'resume even from a checkpoint written by another config (the differences are listed); same as resume_force=true')
      .action(async (configFile: string, args: string[], options: { outputs: string; json?: boolean; resume?: string; force?: boolean; multirun?: boolean }, command: Command) => {
        const { overrides, resume } = splitResumeArguments(args, options);
        if (options.multirun) {
          if (resume) throw new UsageError('resume= continues one run; it cannot be combined with -m/--multirun');
          // Hydra's sweeps go to multirun/, single runs to outputs/.
          const multirunRoot = command.getOptionValueSource('outputs') === 'default' ? 'multirun' : options.outputs;
          return runMultirun(configFile, overrides, { multirunRoot, ...(options.json ? { json: true } : {}) }, io);
        }
        const { runDir, handshake, summary } = await runExperiment({
          configFile,
          overrides,
          builtins: builtinPlugins,
          outputsRoot: options.outputs,
          ...(resume ? { resume } : {}),
          notice: (text) => io.err(`note: ${text}`),
        });
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

/**
 * `resume=<dir|last>` and `resume_force=true|false` look like overrides but are not config: they say where this
 * run starts, not what it is, so they are taken out before the handshake and never enter the config hash (the
 * hash is what a checkpoint is checked against). Hydra treats its own `hydra.*` keys the same way.
 */
export function splitResumeArguments(args: readonly string[], options: { resume?: string; force?: boolean }): { overrides: string[]; resume?: ResumeRequest } {
  let target = options.resume;
  let force = options.force ?? false;
  const overrides: string[] = [];
  for (const arg of args) {
    const m = /^(resume|resume_force)=(.*)$/.exec(arg);
    if (!m) {
      overrides.push(arg);
    } else if (m[1] === 'resume') {
      if (m[2] === '') throw new UsageError('resume= needs a value: last, a run directory, or a checkpoint directory');
      target = m[2];
    } else {
      if (!/^(true|false)$/i.test(m[2])) throw new UsageError(`resume_force takes true or false, got "${m[2]}"`);
      force = m[2].toLowerCase() === 'true';
    }
  }
  if (force && target === undefined) throw new UsageError('--force (resume_force=true) only applies when resuming: add resume=<checkpoint|last>');
  return { overrides, ...(target !== undefined ? { resume: { target, force } } : {}) };
}
