import { PLUGIN_KINDS, type PluginDefinition, type PluginKind } from '../contracts/plugin.ts';
import { canonicalJson, sha256Hex } from '../util/hash.ts';
import { applyOverrides } from './config/apply-overrides.ts';
import { composeConfig } from './config/compose.ts';
import { deepFreeze } from './config/deep-freeze.ts';
import { resolveInterpolations } from './config/interpolate.ts';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { locate, type Origin } from './config/origins.ts';
import { parseOverride } from './config/override.ts';
import { configSchema, type TandemConfig } from './config/schema.ts';
import { validateAgainst } from './config/validate.ts';
import { mintFrozenConfig, type FrozenConfig } from './frozen-config.ts';
import { ConfigError } from './errors.ts';
import { hashedConfig } from './sweep/executor-config.ts';
import { PluginCatalog } from './plugins/catalog.ts';
import { loadPluginModules } from './plugins/load-plugin-modules.ts';

/**
 * The config handshake, our CONFIG-001 (spec: specs/config-handshake.md §1):
 *   compose → override → resolve interpolations → validate → load extra plugins → resolve plugin names → validate each plugin's params
 *   → deep-freeze → hash → FrozenConfig.
 * It constructs no plugin; construction and the effective-settings read-back happen in the composition root.
 */
export interface HandshakeRequest {
  readonly configFile: string;
  readonly overrides: readonly string[];
  readonly builtins: readonly PluginDefinition[];
}

export interface HandshakeResult {
  readonly frozen: FrozenConfig;
  readonly catalog: PluginCatalog;
  /**
   * Plugin kinds with no registered plugin at all (e.g. backends before the first backend lands). Their sections
   * are checked for shape only; the name cannot be checked against an empty list, and `run` reports the
   * stages that need them as not built (spec §5.3).
   */
  readonly pendingKinds: readonly PluginKind[];
}

export async function runHandshake(request: HandshakeRequest): Promise<HandshakeResult> {
  const overrides = request.overrides.map(parseOverride);
  const composed = composeConfig(request.configFile, overrides);
  const context = { origins: composed.origins, primaryFile: request.configFile };
  // Interpolations resolve after the overrides (an override changes every value that refers to its key) and
  // before validation, so the schema, the FrozenConfig and the hash see resolved values (spec §2.1).
  const tree = resolveInterpolations(applyOverrides(composed.tree, composed.origins, composed.valueOverrides), context);
  const config: TandemConfig = validateAgainst(configSchema, tree, context);

  const extra = await loadPluginModules(
    config.plugins.map((path, i) => ({ path, keyPath: `plugins[${i}]`, origin: composed.origins.lookup(['plugins', i]) })),
    request.configFile,
  );
  const catalog = new PluginCatalog([...request.builtins, ...extra]);
  const pendingKinds: PluginKind[] = [];
  for (const kind of PLUGIN_KINDS) {
    if (catalog.ofKind(kind).length === 0) {
      pendingKinds.push(kind);
      continue;
    }
    const section = config[kind];
    const where = { ...locate(composed.origins.lookup([kind, 'name']), request.configFile), keyPath: `${kind}.name` };
    const definition = catalog.resolve(kind, section.name, where);
    // The parsed params replace the raw ones, so the schema's defaults are written into the resolved config.
    section.params = validateAgainst(definition.params, section.params, {
      ...context,
      prefix: [kind, 'params'],
      owner: `${kind} '${section.name}'`,
    });
    if (definition.resolvePaths) {
      section.params = definition.resolvePaths(section.params, (path, key) => fromConfigFile(path, composed.origins.lookup([kind, 'params', key])));
    }
  }

  deepFreeze(config);
  const frozen = mintFrozenConfig({
    config,
    // `executor:` says where a sweep's jobs run, not what they compute: it stays out of the hash (specs/sweeps.md §4).
    hash: sha256Hex(canonicalJson(hashedConfig(config))),
    overrides: [...request.overrides],
    configFile: request.configFile,
    choices: { ...composed.choices },
  });
  return { frozen, catalog, pendingKinds };
}

/**
 * A path written in a config file is relative to that file; one from a command-line override (or with no
 * origin) to the working directory, as `plugins:` paths are. The result is relative to the working directory.
 */
function fromConfigFile(path: string, origin: Origin | undefined): string {
  if (isAbsolute(path) || !origin || origin.override !== undefined || !origin.file) return path;
  return relative(process.cwd(), resolve(dirname(origin.file), path)) || '.';
}

/**
 * A run or a parity check trains, so its config needs a loss. The schema leaves `train.loss` optional (a config
 * whose stages are not built yet has nothing to train); this is checked right after the handshake, before a run
 * directory exists, so `~train.loss` leaves nothing behind.
 */
export function requireLoss(handshake: HandshakeResult): void {
  const trains = !handshake.pendingKinds.some((kind) => kind === 'adapter' || kind === 'model' || kind === 'backend');
  if (trains && handshake.frozen.config.train.loss === undefined) {
    throw new ConfigError(
      'train.loss is missing, so there is nothing to train',
      { file: handshake.frozen.configFile, keyPath: 'train.loss' },
      'Name at least one loss term, e.g. train.loss.data: {kind: mse, output: y_hat, target: y}.',
    );
  }
}
