import { z } from 'zod';
import { PluginCatalog } from '../../orchestrator/plugins/catalog.ts';
import { builtinPlugins } from '../../orchestrator/composition-root.ts';
import { PLUGIN_KINDS } from '../../contracts/plugin.ts';
import { lossKinds } from '../../train/losses/loss-kinds.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/**
 * `tandem plugins [--json]`: every registered plugin, by kind, with its description and params, then the loss kinds
 * (`train.loss.<term>.kind`), which a config chooses by name the same way. The JSON form carries each one's params as
 * JSON Schema (zod's `toJSONSchema`, input side: what a config may write).
 */
export const pluginsCommand: CliCommand = {
  register(program, io) {
    program
      .command('plugins')
      .description('List the registered plugins by kind, with their params.')
      .option('--json', 'print machine-readable JSON (params as JSON Schema)')
      .action((options: { json?: boolean }) => {
        const catalog = new PluginCatalog(builtinPlugins);
        const byKind = { ...Object.fromEntries(PLUGIN_KINDS.map((kind) => [kind, catalog.ofKind(kind).map(describePlugin)])), loss: lossKinds.all().map(describePlugin) };
        if (options.json) {
          io.out(toJson(byKind));
          return;
        }
        for (const [kind, plugins] of Object.entries(byKind)) {
          io.out(kind === 'loss' ? 'loss kinds (train.loss.<term>.kind)\n' : `${kind}\n`);
          if (plugins.length === 0) io.out('  (none registered yet)\n');
          const width = Math.max(0, ...plugins.map((p) => p.name.length));
          for (const p of plugins) {
            io.out(`  ${p.name.padEnd(width)}  ${p.description}\n`);
            io.out(`  ${' '.repeat(width)}  params: ${paramSummary(p.params)}\n`);
          }
        }
      });
  },
};

interface PluginListing {
  name: string;
  description: string;
  params: { properties?: Record<string, unknown>; required?: string[] };
}

/** A plugin or a loss kind: both are a name, a description and the zod schema of their config section. */
function describePlugin(definition: { readonly name: string; readonly description: string; readonly params: z.ZodType }): PluginListing {
  // `unrepresentable: 'any'` keeps refinements and transforms from failing the listing; they are still enforced.
  const params = z.toJSONSchema(definition.params, { unrepresentable: 'any', io: 'input' }) as PluginListing['params'];
  return { name: definition.name, description: definition.description, params };
}

/** `path (required), keys (required), sampleDim`: the keys a config may set, required ones marked. */
function paramSummary(schema: PluginListing['params']): string {
  const keys = Object.keys(schema.properties ?? {});
  if (keys.length === 0) return '(none)';
  return keys.map((k) => (schema.required?.includes(k) ? `${k} (required)` : k)).join(', ');
}
