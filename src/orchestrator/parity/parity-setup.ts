import { baselineDir, type BaselineIdentity } from '../../parity/baseline/baseline-files.ts';
import { ParityExperiment } from '../../parity/experiment.ts';
import { paritySettings, type ParitySettings } from '../../parity/parity-config.ts';
import type { DataAdapter } from '../../plugins/adapters/adapter.ts';
import type { Backend } from '../../plugins/backends/backend.ts';
import type { Model } from '../../plugins/models/model.ts';
import type { PluginDefinition } from '../../plugins/plugin.ts';
import type { TrainSettings } from '../../train/training-run.ts';
import { canonicalJson, sha256Hex } from '../../util/hash.ts';
import { ConfigError } from '../errors.ts';
import type { FrozenConfig } from '../frozen-config.ts';
import { requireLoss, runHandshake, type HandshakeResult } from '../handshake.ts';
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
  baselineDir(name: string, root?: string): string;
}

const BASELINE_KEYS = ['experiment', 'adapter', 'model', 'train', 'plugins'] as const;

export async function setUpParity(request: { configFile: string; overrides: readonly string[]; builtins: readonly PluginDefinition[] }): Promise<ParitySetup> {
  const handshake = await runHandshake(request);
  requireLoss(handshake);
  const { frozen, catalog } = handshake;
  const settings = paritySettings(frozen.config.parity);
  const backendNames = settings.backends ?? catalog.ofKind('backend').map((d) => d.name).filter((n) => n !== 'torch');
  for (const name of backendNames) catalog.resolve('backend', name, { keyPath: 'parity.backends' });
  if (settings.reference.kind === 'live' && backendNames.includes('torch')) {
    throw new ConfigError(
      'parity.backends lists torch while the reference is the live torch process: that would compare the reference with itself and prove nothing',
      { keyPath: 'parity.backends' },
      'Remove torch from parity.backends, or compare it with a recorded baseline (parity.reference=baseline:<name>) to check that torch reproduces its own recording.',
    );
  }
  const plugins = await constructPlugins(handshake);
  const of = <T>(kind: string) => plugins.find((p) => p.kind === kind)?.instance as T;
  const { experiment, train } = frozen.config;
  const parityExperiment = new ParityExperiment({ experiment, train: train as TrainSettings }, of<DataAdapter>('adapter').container(), of<Model>('model'));
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
      // The configured backend keeps its configured params; the others run with their defaults.
      const params = name === frozen.config.backend.name ? frozen.config.backend.params : definition.params.parse({});
      return (await definition.create(params)) as Backend;
    },
    baselineDir: (name, root) => baselineDir(name, root),
  };
}
