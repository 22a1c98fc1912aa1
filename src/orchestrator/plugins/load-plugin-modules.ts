import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { register } from 'node:module';
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
  if (refs.length) registerPluginModuleHooks();
  for (const ref of refs) {
    const where = { ...locate(ref.origin, primaryFile), keyPath: ref.keyPath };
    const base = ref.origin?.override !== undefined || !ref.origin ? process.cwd() : dirname(ref.origin.file);
    const file = isAbsolute(ref.path) ? ref.path : resolve(base, ref.path);
    if (!existsSync(file)) throw new ConfigError(`plugin module ${ref.path} does not exist (looked for ${file})`, where, 'Paths in `plugins:` are relative to the config file that lists them.');
    let module: { default?: unknown };
    try {
      module = await import(pathToFileURL(file).href);
    } catch (error) {
      throw new ConfigError(`plugin module ${ref.path} failed to load: ${loadFailure(error, file)}`, where, 'Fix the module; it must be importable on its own.');
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

let hooksRegistered = false;

/** Once per process: plugin files outside tandem resolve `zod` and `tandem/plugin` from tandem, and are ES modules. */
function registerPluginModuleHooks(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  register(new URL('./plugin-module-hooks.mjs', import.meta.url), { data: { tandemRoot: new URL('../../../', import.meta.url).href } });
}

/**
 * The loader's message, with the file and line where the failure happened: the first stack frame in the plugin's
 * own files (a throw at import time), or the position esbuild gives for a syntax error.
 */
function loadFailure(error: unknown, file: string): string {
  // esbuild (through tsx) puts "file:line:col: ERROR: …" on the line after its own heading.
  const message = (error instanceof Error ? error.message : String(error)).replace(/^Transform failed with \d+ errors?:\n/, '').trim();
  if (message.includes(`${file}:`)) return message;
  const frame = (error instanceof Error ? error.stack ?? '' : '').split('\n').find((line) => line.includes(dirname(file)) && !line.includes('/node_modules/'));
  const at = frame ? /\(?((?:file:\/\/)?\/[^()]*?:\d+:\d+)\)?\s*$/.exec(frame)?.[1] : undefined;
  return at ? `${message} (at ${at.replace(/^file:\/\//, '')})` : message;
}

function isPluginDefinition(value: unknown): value is PluginDefinition {
  const d = value as Partial<PluginDefinition> | null;
  return typeof d === 'object' && d !== null && typeof d.kind === 'string' && typeof d.name === 'string' && typeof d.create === 'function' && typeof d.params?.safeParse === 'function';
}
