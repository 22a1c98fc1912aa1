import { relative } from 'node:path';
import { UsageError } from '../../orchestrator/errors.ts';
import { recordBaseline } from '../../orchestrator/parity/record-baseline.ts';
import { builtinPlugins } from '../../orchestrator/composition-root.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/**
 * `tandem baseline record <config> [overrides…] [--name n] [--dtype float32|float64] [--force]`: store the PyTorch
 * reference's results for every parity stage under baselines/<name>/, so `parity.reference=baseline:<name>`
 * runs parity without torch (specs/parity.md "Baselines").
 */
export const baselineCommand: CliCommand = {
  register(program, io) {
    const baseline = program.command('baseline').description('Recorded parity baselines (the PyTorch reference results, stored).');
    baseline
      .command('record')
      .description('Run the PyTorch reference for every parity stage and store the results under baselines/<name>/.')
      .argument('<config>', 'experiment config file, e.g. conf/quickstart.yaml')
      .argument('[overrides...]', 'Hydra-style overrides')
      .option('--name <name>', 'baseline name (default: the experiment name)')
      .option('--dtype <dtype>', 'float32 or float64 (the dtype of the backends it will be compared with)', 'float32')
      .option('--force', 'replace an existing baseline of that name')
      .option('--root <dir>', 'folder holding the baselines', 'baselines')
      .option('--json', 'print the manifest as JSON')
      .action(async (configFile: string, overrides: string[], options: { name?: string; dtype: string; force?: boolean; json?: boolean; root: string }) => {
        if (options.dtype !== 'float32' && options.dtype !== 'float64') {
          throw new UsageError(`--dtype must be float32 or float64, got "${options.dtype}"`);
        }
        const { dir, manifest } = await recordBaseline({
          configFile,
          overrides,
          builtins: builtinPlugins,
          dtype: options.dtype,
          root: options.root,
          ...(options.name ? { name: options.name } : {}),
          ...(options.force ? { force: true } : {}),
        });
        if (options.json) return io.out(toJson(manifest));
        io.out(`recorded baseline "${manifest.name}" (${manifest.dtype}, torch ${manifest.versions.torch}, ${manifest.trajectorySteps}-step trajectory) in ${relative(process.cwd(), dir)}\n`);
        io.out(`config sha256:${manifest.configHash.slice(0, 12)}, loss graph sha256:${manifest.graphHash.slice(0, 12)}; use it with: tandem parity ${configFile} '+parity.reference=baseline:${manifest.name}'\n`);
      });
  },
};
