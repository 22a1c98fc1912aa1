import { PLUGIN_KINDS, type PluginDefinition, type PluginKind } from '../../contracts/plugin.ts';
import { ConfigError, type SourceLocation } from '../errors.ts';
import { didYouMean } from '../suggest.ts';

/**
 * Every plugin definition known to one run: the built-ins plus those loaded from the config's `plugins:` list.
 * Lookup by kind and name, with the error the spec promises for an unknown name (spec: specs/config-handshake.md §5.3).
 */
export class PluginCatalog {
  private readonly definitions: readonly PluginDefinition[];

  constructor(definitions: readonly PluginDefinition[]) {
    const seen = new Map<string, PluginDefinition>();
    for (const definition of definitions) {
      if (!PLUGIN_KINDS.includes(definition.kind)) {
        throw new ConfigError(`plugin '${definition.name}' declares kind '${definition.kind}', which does not exist`, {}, `Use one of: ${PLUGIN_KINDS.join(', ')}.`);
      }
      const key = `${definition.kind}:${definition.name}`;
      if (seen.has(key)) {
        throw new ConfigError(`two plugins are registered as ${definition.kind} '${definition.name}'`, {}, 'Rename one of them; plugin names are unique per kind.');
      }
      seen.set(key, definition);
    }
    this.definitions = [...definitions];
  }

  all(): readonly PluginDefinition[] {
    return this.definitions;
  }

  ofKind<K extends PluginKind>(kind: K): PluginDefinition<K>[] {
    return this.definitions.filter((d): d is PluginDefinition<K> => d.kind === kind);
  }

  /** The definition for `name`, or the unknown-plugin error listing the valid names and the closest one. */
  resolve<K extends PluginKind>(kind: K, name: string, where: SourceLocation & { keyPath?: string }): PluginDefinition<K> {
    const candidates = this.ofKind(kind);
    const found = candidates.find((d) => d.name === name);
    if (found) return found;
    const names = candidates.map((d) => d.name);
    throw new ConfigError(
      `unknown ${kind} plugin '${name}'`,
      where,
      `Registered ${kind} plugins: ${names.join(', ') || '(none)'}.${didYouMean(name, names)} Run \`tandem plugins\` to see them all.`,
    );
  }
}
