import { PLUGIN_KINDS, type Configured, type PluginKind } from '../../contracts/plugin.ts';
import type { HandshakeResult } from '../handshake.ts';
import { invokePlugin } from './invoke.ts';
import { verifyReadBack } from './read-back.ts';

export interface ConstructedPlugin {
  readonly kind: PluginKind;
  readonly name: string;
  /** "model 'mlp'": how errors and logs name this plugin. */
  readonly label: string;
  readonly instance: Configured;
  readonly effective: Record<string, unknown>;
}

/**
 * Construct the plugin of every kind that has registered plugins, then read back each one's effective settings
 * and diff them against its configured params (spec: specs/config-handshake.md §8.3). Kinds listed in
 * `pendingKinds` have nothing to construct. Params arrive deep-frozen: a plugin that tries to change its own
 * settings fails loudly instead of drifting silently.
 */
export async function constructPlugins({ frozen, catalog, pendingKinds }: HandshakeResult): Promise<ConstructedPlugin[]> {
  const built: Omit<ConstructedPlugin, 'effective'>[] = [];
  for (const kind of PLUGIN_KINDS) {
    if (pendingKinds.includes(kind)) continue;
    const section = frozen.config[kind];
    const definition = catalog.resolve(kind, section.name, { keyPath: `${kind}.name` });
    const label = `${kind} '${section.name}'`;
    const instance = await invokePlugin(label, 'create', () => definition.create(section.params), 2);
    built.push({ kind, name: section.name, label, instance });
  }
  const constructed: ConstructedPlugin[] = [];
  for (const plugin of built) {
    const effective = await invokePlugin(plugin.label, 'effectiveSettings', () => plugin.instance.effectiveSettings(), 2);
    verifyReadBack(plugin.label, [plugin.kind, 'params'], frozen.config[plugin.kind].params, effective);
    constructed.push({ ...plugin, effective });
  }
  return constructed;
}
