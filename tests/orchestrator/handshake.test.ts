// spec: specs/config-handshake.md §4 (schema), §5 (validation errors), §6 (freeze and hash), §7 (FrozenConfig)
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, HandshakeRequiredError } from '../../src/orchestrator/errors.ts';
import { isFrozenConfig, type FrozenConfig } from '../../src/orchestrator/frozen-config.ts';
import { runHandshake } from '../../src/orchestrator/handshake.ts';
import { PendingStage } from '../../src/orchestrator/workflow/pending-stage.ts';
import { runStage } from '../../src/orchestrator/workflow/stage.ts';
import type { PluginDefinition } from '../../src/contracts/plugin.ts';
import { configDir } from '../config/fixture-dir.ts';
import { experimentYaml, testPlugins } from './fixtures.ts';

async function handshake(yaml: string, overrides: string[] = [], builtins: PluginDefinition[] = testPlugins) {
  const dir = configDir({ 'exp.yaml': yaml });
  const configFile = join(dir, 'exp.yaml');
  return { configFile, result: await runHandshake({ configFile, overrides, builtins }) };
}

async function failure(yaml: string, overrides: string[] = [], builtins?: PluginDefinition[]): Promise<ConfigError> {
  const error = await handshake(yaml, overrides, builtins).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('the handshake produces a FrozenConfig', () => {
  it('fills schema defaults of the top level and of each plugin into the resolved config', async () => {
    const { result } = await handshake(experimentYaml());
    const { config } = result.frozen;
    expect(config.tracker).toStrictEqual({ name: 'none', params: {} });
    expect(config.reporter).toStrictEqual({ name: 'json', params: { file: 'summary.json' } });
    expect(config.model.params).toStrictEqual({ width: 4, depth: 2 });
    expect(config.adapter.params).toStrictEqual({ samples: 8, shuffle: true });
    expect(config.plugins).toStrictEqual([]);
    expect(result.pendingKinds).toStrictEqual([]);
  });

  it('is deep-frozen: no stage can change the config it was given', async () => {
    const { result } = await handshake(experimentYaml());
    const config = result.frozen.config as unknown as { train: { optimizer: { lr: number } }; model: { params: Record<string, unknown> } };
    expect(() => {
      config.train.optimizer.lr = 1;
    }).toThrow(TypeError);
    expect(() => {
      config.model.params.width = 1;
    }).toThrow(TypeError);
    expect(Object.isFrozen(result.frozen)).toBe(true);
  });

  it('hashes the canonical JSON: key order and formatting do not matter, values do', async () => {
    const a = await handshake(experimentYaml());
    const reordered = ['train:\n  optimizer: {lr: 0.1, name: sgd}\n  batch_size: 4\n  epochs: 2', 'backend: {name: reference}', 'model: {params: {width: 4}, name: dense}', 'adapter: {params: {samples: 8}, name: memory}', 'experiment: {seed: 7, name: demo}'].join('\n');
    const b = await handshake(reordered);
    const c = await handshake(experimentYaml(), ['train.optimizer.lr=0.2']);
    expect(a.result.frozen.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.result.frozen.hash).toBe(a.result.frozen.hash);
    expect(c.result.frozen.hash).not.toBe(a.result.frozen.hash);
    // An explicit default is the same config as an omitted one: the hash is of the resolved config.
    const d = await handshake(experimentYaml({ model: 'model:\n  name: dense\n  params: {width: 4, depth: 2}' }));
    expect(d.result.frozen.hash).toBe(a.result.frozen.hash);
  });

  it('keeps the overrides as typed', async () => {
    const { result } = await handshake(experimentYaml(), ['train.epochs=3', '++experiment.seed=1']);
    expect(result.frozen.overrides).toStrictEqual(['train.epochs=3', '++experiment.seed=1']);
    expect(result.frozen.config.train.epochs).toBe(3);
  });
});

describe('validation errors name the file, line, column, key path and the fix', () => {
  it('an unknown key, with the closest valid key and the valid keys', async () => {
    const yaml = experimentYaml({ train: 'train:\n  epochs: 2\n  batch_size: 4\n  optimiser:\n    name: sgd\n    lr: 0.1' });
    const error = await failure(yaml);
    expect(error.message).toMatch(/exp\.yaml:17:3: unknown key 'optimiser' \(key train\.optimiser\)\. Did you mean 'optimizer'\? Valid keys here: epochs, batch_size, optimizer\b/);
  });

  it('a wrong type, with the value found', async () => {
    const error = await failure(experimentYaml(), ['train.epochs=many']);
    expect(error.message).toMatch(/command-line override 'train\.epochs=many': Invalid input: expected number, received string \(got "many"\) \(key train\.epochs\)\. Write a number here\./);
  });

  it('a value out of range, with the bound', async () => {
    const error = await failure(experimentYaml(), ['train.optimizer.lr=0']);
    expect(error.message).toMatch(/Too small: expected number to be >0 \(got 0\) \(key train\.optimizer\.lr\)\. Use a value > 0\./);
  });

  it('an invalid choice lists the choices', async () => {
    const error = await failure(experimentYaml(), ['train.optimizer.name=adamm']);
    expect(error.message).toMatch(/"adamm" is not a valid choice \(key train\.optimizer\.name\)\. Use one of: sgd, adam, adamw\. Did you mean 'adam'\?/);
  });

  it('a missing required key points at its parent section', async () => {
    const error = await failure(experimentYaml(), ['~experiment.seed']);
    expect(error.message).toMatch(/exp\.yaml:1:1: required key 'seed' is missing \(key experiment\.seed\)\. Add it/);
  });

  it('reports several problems at once', async () => {
    const error = await failure(experimentYaml(), ['train.epochs=0', 'train.batch_size=0']);
    expect(error.message.split('\n')).toHaveLength(2);
  });

  it('an unknown plugin name lists the registered names and the closest', async () => {
    const error = await failure(experimentYaml({ model: 'model:\n  name: dens' }));
    expect(error.message).toMatch(/exp\.yaml:9:3: unknown model plugin 'dens' \(key model\.name\)\. Registered model plugins: dense, conv\. Did you mean 'dense'\?/);
  });

  it("a plugin's params are validated by the plugin's own schema, with the full key path", async () => {
    const error = await failure(experimentYaml({ model: 'model:\n  name: dense\n  params:\n    widht: 4' }));
    expect(error.message).toMatch(/exp\.yaml:11:5: unknown key 'widht' in the params of model 'dense' \(key model\.params\.widht\)\. Did you mean 'width'\?/);
  });

  it('suggests keys inside records of objects too (e.g. a data contract per key)', async () => {
    const tabled: PluginDefinition = {
      kind: 'model',
      name: 'tabled',
      description: 'params with a record of strict objects',
      params: z.strictObject({ layers: z.record(z.string(), z.strictObject({ width: z.int(), activation: z.string().optional() })) }),
      create: () => ({ effectiveSettings: () => ({}) }),
    };
    const error = await failure(experimentYaml({ model: 'model:\n  name: tabled\n  params:\n    layers:\n      first: {width: 2, activaton: tanh}' }), [], [...testPlugins, tabled]);
    expect(error.message).toMatch(/unknown key 'activaton' in the params of model 'tabled' \(key model\.params\.layers\.first\.activaton\)\. Did you mean 'activation'\? Valid keys here: width, activation\./);
  });
});

describe('kinds with no registered plugin (spec §5.3)', () => {
  const withoutBackends = testPlugins.filter((p) => p.kind !== 'backend');

  it('are checked for shape only, and reported as pending', async () => {
    const { result } = await handshake(experimentYaml({ backend: 'backend:\n  name: anything\n  params: {x: 1}' }), [], withoutBackends);
    expect(result.pendingKinds).toStrictEqual(['backend']);
    expect(result.frozen.config.backend).toStrictEqual({ name: 'anything', params: { x: 1 } });
  });

  it('still fail on a malformed section', async () => {
    const error = await failure(experimentYaml({ backend: 'backend:\n  nam: x' }), [], withoutBackends);
    expect(error.message).toMatch(/unknown key 'nam' \(key backend\.nam\)\. Did you mean 'name'\?/);
  });

  it('once one plugin of the kind exists, an unknown name is the normal unknown-plugin error', async () => {
    const error = await failure(experimentYaml({ backend: 'backend:\n  name: anything' }));
    expect(error.message).toMatch(/unknown backend plugin 'anything'.*Registered backend plugins: reference/);
  });
});

describe('no stage runs without a FrozenConfig (spec §7)', () => {
  const stage = new PendingStage('train', 'training engine');

  it('a structurally identical object that did not come from the handshake is refused', async () => {
    const { result } = await handshake(experimentYaml());
    const forged = { ...result.frozen } as FrozenConfig;
    expect(isFrozenConfig(result.frozen)).toBe(true);
    expect(isFrozenConfig(forged)).toBe(false);
    await expect(runStage(stage, forged)).rejects.toThrow(HandshakeRequiredError);
    await expect(runStage(stage, undefined as unknown as FrozenConfig)).rejects.toThrow(/stage train was called without a FrozenConfig/);
  });

  it('the real one is accepted', async () => {
    const { result } = await handshake(experimentYaml());
    await expect(runStage(stage, result.frozen)).resolves.toStrictEqual({ status: 'pending', detail: 'not built yet (issue: training engine)' });
  });
});
