import { dirname, relative, resolve } from 'node:path';
import { baselineDir, type BaselineIdentity } from '../../parity/baseline/baseline-files.ts';
import { ParityExperiment } from '../../parity/experiment.ts';
import { paritySettings, type ParitySettings } from '../../parity/parity-config.ts';
import type { Backend, GraphExecutor } from '../../contracts/backend.ts';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import type { TrainSettings } from '../../train/training-run.ts';
import { canonicalJson, sha256Hex } from '../../util/hash.ts';
import { ConfigError } from '../errors.ts';
import type { FrozenConfig } from '../frozen-config.ts';
import { requireLoss, runHandshake, type HandshakeResult } from '../handshake.ts';
import { buildPlugin, type BuiltPlugin } from '../plugins/construct-plugin.ts';
import { constructPlugins } from '../plugins/construct-plugins.ts';

/**
 * The orchestration half of `tandem parity` and `tandem baseline record` (the engine is src/parity/): handshake,
 * plugin construction and read-back, then the experiment parity works on. Nothing runs before the FrozenConfig.
 */
export interface ParitySetup {
  readonly handshake: HandshakeResult;
  readonly frozen: FrozenConfig;
  readonly settings: ParitySettings;
  readonly experiment: ParityExperiment;
  readonly identity: BaselineIdentity;
  /** Backends compared by default: every registered one except the torch reference. */
  readonly backendNames: readonly string[];
  createBackend(name: string): Promise<Backend>;
  /** The executor localization runs side-graphs on: onnxruntime's (tandem's executor of record), default params. */
  openLocalizer(): Promise<GraphExecutor>;
  baselineDir(name: string, root?: string): string;
}

/** The backend whose executor runs the localization side-graphs (parity/side-graph.ts). */
const LOCALIZER_BACKEND = 'onnxruntime';

const BASELINE_KEYS = ['experiment', 'adapter', 'model', 'train', 'plugins'] as const;

/**
 * A torch-module model is checked against its own module unless `parity.reference` says otherwise: the module
 * is what the user wrote, the export only what the exporter made of it (specs/models.md "torch-module"). The
 * handshake resolved the model's path to the working directory; a reference path is relative to the config file.
 */
function moduleReference(model: { readonly name: string; readonly params?: unknown }, configFile: string): string | undefined {
  if (model.name !== 'torch-module') return undefined;
  const spec = (model.params as { module: string }).module;
  const cut = spec.lastIndexOf(':');
  const file = relative(dirname(resolve(configFile)), resolve(spec.slice(0, cut)));
  return `torch-module:${file}:${spec.slice(cut + 1)}`;
}

export async function setUpParity(request: { configFile: string; overrides: readonly string[]; builtins: readonly PluginDefinition[] }): Promise<ParitySetup> {
  const handshake = await runHandshake(request);
  requireLoss(handshake);
  const { frozen, catalog } = handshake;
  const settings = paritySettings(frozen.config.parity, moduleReference(frozen.config.model, frozen.configFile) ?? 'torch');
  const backendNames = settings.backends ?? catalog.ofKind('backend').map((d) => d.name).filter((n) => n !== 'torch');
  for (const name of backendNames) catalog.resolve('backend', name, { keyPath: 'parity.backends' });
  if (settings.reference.kind === 'live' && settings.reference.name === 'torch' && backendNames.includes('torch')) {
    throw new ConfigError(
      'parity.backends lists torch while the reference is the live torch process: that would compare the reference with itself and prove nothing',
      { keyPath: 'parity.backends' },
      'Remove torch from parity.backends, or compare it with a recorded baseline (parity.reference=baseline:<name>) to check that torch reproduces its own recording.',
    );
  }
  const plugins = await constructPlugins(handshake);
  const of = <K extends 'adapter' | 'model'>(kind: K) => plugins.find((p): p is BuiltPlugin<K> => p.kind === kind)!.instance;
  const { experiment, train } = frozen.config;
  const parityExperiment = new ParityExperiment({ experiment, train: train as TrainSettings }, of('adapter').container(), of('model'), of('adapter').lossContext?.());
  // A baseline depends on what the reference computes from: the data, the model, the training setup (and any
  // extra plugin modules). Backend choice, tracker, reporter, executor and `parity:` do not change it.
  const config = Object.fromEntries(BASELINE_KEYS.map((k) => [k, (frozen.config as Record<string, unknown>)[k]]));
  return {
    handshake,
    frozen,
    settings,
    experiment: parityExperiment,
    identity: { configHash: sha256Hex(canonicalJson(config)), config, configFile: frozen.configFile, overrides: [...frozen.overrides] },
    backendNames,
    async createBackend(name) {
      const definition = catalog.resolve('backend', name, { keyPath: 'parity.backends' });
      // The configured backend keeps its configured params; the others run with their defaults. Read back like
      // every plugin; a backend that cannot be built is a finding about it (exit 1: an error verdict), not a usage error.
      const params = name === frozen.config.backend.name ? frozen.config.backend.params : definition.params.parse({});
      return (await buildPlugin(definition, params, 1)).instance;
    },
    async openLocalizer() {
      const definition = catalog.resolve('backend', LOCALIZER_BACKEND, { keyPath: 'parity' });
      return (await buildPlugin(definition, definition.params.parse({}))).instance.executor();
    },
    baselineDir: (name, root) => baselineDir(name, root),
  };
}
