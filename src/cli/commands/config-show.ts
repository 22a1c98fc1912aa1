import { stringify } from 'yaml';
import { runHandshake } from '../../orchestrator/handshake.ts';
import { builtinPlugins } from '../../orchestrator/composition-root.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/**
 * `tandem config show <config> [overrides…] [--json]`: the handshake up to the FrozenConfig, without constructing
 * any plugin, then the resolved config and its hash (spec: specs/config-handshake.md §10).
 */
export const configShowCommand: CliCommand = {
  register(program, io) {
    const config = program.commands.find((c) => c.name() === 'config') ?? program.command('config').description('Inspect experiment configs.');
    config
      .command('show')
      .description('Compose, override and validate a config; print the resolved config and its hash.')
      .argument('<config>', 'experiment config file, e.g. conf/quickstart.yaml')
      .argument('[overrides...]', 'Hydra-style overrides: key=value, +key=value, ++key=value, ~key, group=option')
      .option('--json', 'print machine-readable JSON')
      .action(async (configFile: string, overrides: string[], options: { json?: boolean }) => {
        const { frozen, pendingKinds } = await runHandshake({ configFile, overrides, builtins: builtinPlugins });
        if (options.json) {
          io.out(toJson({ config: frozen.config, hash: frozen.hash, overrides: frozen.overrides, choices: frozen.choices, pendingPluginKinds: pendingKinds }));
          return;
        }
        io.out(`# config: ${configFile}\n# hash: sha256:${frozen.hash}\n`);
        if (frozen.overrides.length) io.out(`# overrides: ${frozen.overrides.join(' ')}\n`);
        if (pendingKinds.length) io.out(`# no plugins registered yet for: ${pendingKinds.join(', ')} (names not checked)\n`);
        io.out(stringify(frozen.config, { sortMapEntries: true }));
      });
  },
};
