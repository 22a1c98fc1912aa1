import type { DataAdapter } from '../../contracts/adapter.ts';
import type { Backend } from '../../contracts/backend.ts';
import type { Model } from '../../contracts/model.ts';
import type { Configured, PluginDefinition, PluginKind } from '../../contracts/plugin.ts';
import type { RunHooks } from '../../contracts/run-hooks.ts';
import { OriginMap, type KeyPath } from '../config/origins.ts';
import { validateAgainst } from '../config/validate.ts';
import { PluginCatalog } from './catalog.ts';
import { invokePlugin } from './invoke.ts';
import { verifyReadBack } from './read-back.ts';

/** What an instance of each kind of plugin offers (the contracts in src/contracts/). */
export interface PluginInstances {
  readonly adapter: DataAdapter;
  readonly model: Model;
  readonly backend: Backend;
  readonly tracker: Configured & RunHooks;
  readonly reporter: Configured & RunHooks;
}

export interface BuiltPlugin<K extends PluginKind = PluginKind> {
  readonly kind: K;
  readonly name: string;
  /** "model 'mlp'": how errors and logs name this plugin. */
  readonly label: string;
  readonly instance: PluginInstances[K];
  readonly effective: Record<string, unknown>;
}

/**
 * The one construction path of every plugin that runs (a run's, parity's extra backends, the localizer,
 * conformance, bench, infer): `create` with params that passed the plugin's own schema, then the read-back —
 * `effectiveSettings()` diffed against those params (specs/config-handshake.md §8.3), so no plugin silently
 * departs from its settings. Failures become PluginErrors naming the plugin and the phase (exit `exitCode`).
 */
export async function buildPlugin<K extends PluginKind>(definition: PluginDefinition<K>, params: unknown, exitCode = 2): Promise<BuiltPlugin<K>> {
  const label = `${definition.kind} '${definition.name}'`;
  const instance = (await invokePlugin(label, 'create', () => definition.create(params), exitCode)) as PluginInstances[K] & Configured;
  const effective = await invokePlugin(label, 'effectiveSettings', () => instance.effectiveSettings(), exitCode);
  verifyReadBack(label, [definition.kind, 'params'] as KeyPath, params, effective);
  return { kind: definition.kind, name: definition.name, label, instance, effective };
}

/**
 * A plugin by kind and name from `plugins` (the built-ins, or a run's catalog), with raw params validated by its
 * schema first (defaults filled in; a bad key is a ConfigError naming `<kind>.params.<key>` and `source`). An unknown name is
 * the catalog's error, which lists the registered names.
 */
export async function constructPlugin<K extends PluginKind>(
  plugins: PluginCatalog | readonly PluginDefinition[],
  kind: K,
  name: string,
  rawParams: unknown = {},
  keyPath = `${kind}.name`,
  source = 'the command line',
): Promise<PluginInstances[K]> {
  const catalog = plugins instanceof PluginCatalog ? plugins : new PluginCatalog(plugins);
  const definition = catalog.resolve(kind, name, { keyPath });
  const params = validateAgainst(definition.params, rawParams, { origins: new OriginMap(), primaryFile: source, prefix: [kind, 'params'], owner: `${kind} '${name}'` });
  return (await buildPlugin(definition, params)).instance;
}
