import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import { ConfigError } from '../errors.ts';
import type { Origin } from '../config/origins.ts';
import { locate } from '../config/origins.ts';

/**
 * Load the extra plugin modules a config lists under `plugins:` (spec: specs/config-handshake.md §8.2). A path
 * is relative to the file that lists it (the current directory when it came from an override). A module exports
 * its definitions explicitly: `export default definition` or `export default [a, b]`; nothing registers itself
 * by side effect.
 */
export interface PluginModuleRef {
  readonly path: string;
  readonly keyPath: string;
  readonly origin: Origin | undefined;
}

export async function loadPluginModules(refs: readonly PluginModuleRef[], primaryFile: string): Promise<PluginDefinition[]> {
  const loaded: PluginDefinition[] = [];
  for (const ref of refs) {
    const where = { ...locate(ref.origin, primaryFile), keyPath: ref.keyPath };
    const base = ref.origin?.override !== undefined || !ref.origin ? process.cwd() : dirname(ref.origin.file);
    const file = isAbsolute(ref.path) ? ref.path : resolve(base, ref.path);
    if (!existsSync(file)) throw new ConfigError(`plugin module ${ref.path} does not exist (looked for ${file})`, where, 'Paths in `plugins:` are relative to the config file that lists them.');
    let module: { default?: unknown };
    try {
      module = await import(pathToFileURL(file).href);
    } catch (error) {
      throw new ConfigError(`plugin module ${ref.path} failed to load: ${(error as Error).message}`, where, 'Fix the module; it must be importable on its own.');
    }
    const exported = Array.isArray(module.default) ? module.default : [module.default];
    for (const definition of exported) {
      if (!isPluginDefinition(definition)) {
        throw new ConfigError(
          `plugin module ${ref.path} does not export a plugin definition as its default export`,
          where,
          'Write `export default { kind, name, description, params, create }` (or an array of them).',
        );
      }
      loaded.push(definition);
    }
  }
  return loaded;
}

function isPluginDefinition(value: unknown): value is PluginDefinition {
  const d = value as Partial<PluginDefinition> | null;
  return typeof d === 'object' && d !== null && typeof d.kind === 'string' && typeof d.name === 'string' && typeof d.create === 'function' && typeof d.params?.safeParse === 'function';
}
