import type { z } from 'zod';

/** The roles a plugin can fill. Each is selected purely by name from config. */
export const PLUGIN_KINDS = ['adapter', 'model', 'backend', 'tracker', 'reporter'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/**
 * What every plugin instance reports back after construction: the settings it actually uses. The handshake
 * diffs these against the config, so a plugin that silently changed a value (a channel count, a dtype) is caught.
 */
export interface Configured {
  effectiveSettings(): Record<string, unknown>;
}

/**
 * A plugin as registered: its name, a one-line description, the zod schema of its own `params` section, and a
 * factory. `create` receives params that already passed `params`.
 */
export interface PluginDefinition<K extends PluginKind = PluginKind, P = any, I extends Configured = Configured> {
  readonly kind: K;
  readonly name: string;
  readonly description: string;
  readonly params: z.ZodType<P>;
  create(params: P): I | Promise<I>;
  /**
   * Optional, for params that name a file relative to the config file that sets them (a torch-module's python
   * file): returns the params with each such path passed through `resolve`, which gives the path from the working
   * directory. The handshake calls it after validating the params, so `create` and the resolved config see that path.
   */
  resolvePaths?(params: P, resolve: (path: string, key: string) => string): P;
}
