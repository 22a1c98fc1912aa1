import { PLUGIN_KINDS, type PluginDefinition, type PluginKind } from '../../contracts/plugin.ts';
import { NamedRegistry } from '../../util/named-registry.ts';
import { ConfigError, type SourceLocation } from '../errors.ts';

/**
 * Every plugin definition known to one run: the built-ins plus those loaded from the config's `plugins:` list.
 * Lookup by kind and name, with the error the spec promises for an unknown name (spec: specs/config-handshake.md §5.3).
 * Each kind is a NamedRegistry, the registry style of everything a config names (loss kinds too).
 */
export class PluginCatalog {
  private readonly definitions: readonly PluginDefinition[];
  private readonly byKind: { readonly [K in PluginKind]: NamedRegistry<PluginDefinition<K>> };

  constructor(definitions: readonly PluginDefinition[]) {
    for (const definition of definitions) {
      if (!PLUGIN_KINDS.includes(definition.kind)) {
        throw new ConfigError(`plugin '${definition.name}' declares kind '${definition.kind}', which does not exist`, {}, `Use one of: ${PLUGIN_KINDS.join(', ')}.`);
      }
    }
    this.definitions = [...definitions];
    const registry = <K extends PluginKind>(kind: K) =>
      new NamedRegistry(
        `${kind} plugin`,
        definitions.filter((d): d is PluginDefinition<K> => d.kind === kind),
        (name) => new ConfigError(`two plugins are registered as ${kind} '${name}'`, {}, 'Rename one of them; plugin names are unique per kind.'),
      );
    this.byKind = { adapter: registry('adapter'), model: registry('model'), backend: registry('backend'), tracker: registry('tracker'), reporter: registry('reporter') };
  }

  all(): readonly PluginDefinition[] {
    return this.definitions;
  }

  ofKind<K extends PluginKind>(kind: K): PluginDefinition<K>[] {
    return this.byKind[kind].all() as PluginDefinition<K>[];
  }

  /** The definition for `name`, or the unknown-plugin error listing the valid names and the closest one. */
  resolve<K extends PluginKind>(kind: K, name: string, where: SourceLocation & { keyPath?: string }): PluginDefinition<K> {
    const registry = this.byKind[kind] as NamedRegistry<PluginDefinition<K>>;
    const found = registry.get(name);
    if (found) return found;
    throw new ConfigError(registry.unknownMessage(name), where, `${registry.unknownHint(name)} Run \`tandem plugins\` to see them all.`);
  }
}
