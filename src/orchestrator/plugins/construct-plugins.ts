import { PLUGIN_KINDS } from '../../contracts/plugin.ts';
import type { HandshakeResult } from '../handshake.ts';
import { buildPlugin, type BuiltPlugin } from './construct-plugin.ts';

/**
 * Construct the plugin of every kind that has registered plugins, each read back against its configured params
 * (spec: specs/config-handshake.md §8.3) by the one construction path, buildPlugin. Kinds listed in
 * `pendingKinds` have nothing to construct. Params arrive deep-frozen: a plugin that tries to change its own
 * settings fails loudly instead of drifting silently.
 */
export async function constructPlugins({ frozen, catalog, pendingKinds }: HandshakeResult): Promise<BuiltPlugin[]> {
  const constructed: BuiltPlugin[] = [];
  for (const kind of PLUGIN_KINDS) {
    if (pendingKinds.includes(kind)) continue;
    const section = frozen.config[kind];
    constructed.push(await buildPlugin(catalog.resolve(kind, section.name, { keyPath: `${kind}.name` }), section.params));
  }
  return constructed;
}
