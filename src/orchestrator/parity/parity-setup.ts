import { baselineDir, type BaselineIdentity } from '../../parity/baseline/baseline-files.ts';
import { ParityExperiment } from '../../parity/experiment.ts';
import { paritySettings, type ParitySettings } from '../../parity/parity-config.ts';
import type { DataAdapter } from '../../plugins/adapters/adapter.ts';
import type { Backend } from '../../plugins/backends/backend.ts';
import type { Model } from '../../plugins/models/model.ts';
import type { PluginDefinition } from '../../plugins/plugin.ts';
import type { TrainSettings } from '../../train/training-run.ts';
import { canonicalJson, sha256Hex } from '../config/canonical.ts';
import type { FrozenConfig } from '../frozen-config.ts';
import { runHandshake, type HandshakeResult } from '../handshake.ts';
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

export async function setUpParity(request: { configFile: string; overrides: readonly string[]; builtins: readonly PluginDefinition[] }): Promise<ParitySetup> {
  const handshake = await runHandshake(request);
  const { frozen, catalog } = handshake;
  const settings = paritySettings(frozen.config.parity);
  const backendNames = settings.backends ?? catalog.ofKind('backend').map((d) => d.name).filter((n) => n !== 'torch');
  for (const name of backendNames) catalog.resolve('backend', name, { keyPath: 'parity.backends' });
  const plugins = await constructPlugins(handshake);
  const of = <T>(kind: string) => plugins.find((p) => p.kind === kind)?.instance as T;
  const { experiment, train } = frozen.config;
  const parityExperiment = new ParityExperiment({ experiment, train: train as TrainSettings }, of<DataAdapter>('adapter').container(), of<Model>('model'));
  // Tolerances and stage lists do not change what the reference computes, so a baseline ignores `parity:`.
  const { parity: _parity, ...config } = frozen.config as Record<string, unknown>;
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
