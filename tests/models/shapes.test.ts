import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.ts';
import type { Shape } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { convnetModel } from '../../src/plugins/models/convnet/convnet.ts';
import { fnoModel } from '../../src/plugins/models/fno/fno.ts';
import { ParameterSet } from '../../src/contracts/parameters.ts';
import { resnetModel } from '../../src/plugins/models/resnet/resnet.ts';
import { unetModel } from '../../src/plugins/models/unet/unet.ts';
import { transposeData } from '../../src/data/layout.ts';
import { buildForward, createModel } from './model-harness.ts';
import type { PluginDefinition } from '../../src/contracts/plugin.ts';
import type { FieldIoSettings, FieldModel } from '../../src/plugins/models/layers/field-model.ts';

const DEFS = { convnet: convnetModel, resnet: resnetModel, unet: unetModel, fno: fnoModel };
const make = (name: keyof typeof DEFS, params: Record<string, unknown>) => createModel(DEFS[name] as PluginDefinition<'model', unknown, FieldModel<FieldIoSettings>>, params);

describe('field model plugins', () => {
  it('are registered as built-in model plugins', () => {
    const models = builtinPlugins.filter((p) => p.kind === 'model').map((p) => p.name);
    expect(models).toEqual(expect.arrayContaining(['convnet', 'resnet', 'unet', 'fno']));
  });

  // Burgers windows arrive as (batch, [time,] x[, y], vector); Darcy as (batch, channel, x, y).
  it.each([
    ['convnet', { layout: '(x, vector)' }, [3, 16, 1], [3, 16, 1]],
    ['convnet', { layout: '(x, y, vector)', out_channels: 1 }, [2, 8, 6, 2], [2, 8, 6, 1]],
    ['resnet', { layout: '(x, vector)', width: 8, blocks: 1 }, [3, 16, 1], [3, 16, 1]],
    ['resnet', { layout: '(x, y, vector)', width: 8, blocks: 1 }, [2, 8, 6, 2], [2, 8, 6, 2]],
    ['unet', { layout: '(x, vector)', levels: 3, width: 4 }, [3, 16, 1], [3, 16, 1]],
    ['unet', { layout: '(x, y, vector)', levels: 2, width: 4 }, [2, 8, 6, 2], [2, 8, 6, 2]],
    ['fno', { width: 4, modes: 3, layers: 2 }, [2, 1, 8, 8], [2, 1, 8, 8]],
    ['fno', { layout: '(x, y)', width: 4, modes: 3, layers: 2 }, [2, 8, 10], [2, 8, 10]],
    ['fno', { layout: '(x, vector)', width: 4, modes: 3, layers: 2, out_channels: 3 }, [2, 8, 1], [2, 8, 3]],
  ] as [keyof typeof DEFS, Record<string, unknown>, Shape, Shape][])('%s %j: %j → %j', async (name, params, input, output) => {
    const model = make(name, params);
    const key = name === 'fno' ? 'permeability' : 'u';
    const built = buildForward(model, { [key]: input });
    expect(built.graph.outputs.map((o) => [o.name, o.shape])).toEqual([[name === 'fno' ? 'darcy_pred' : 'u_pred', output]]);
    const out = Object.values(await runOnOrt(built.graph, built.feeds))[0];
    expect(out.shape).toEqual(output);
    expect(Array.from(out.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('converts the layout by name: a permuted input layout gives the same numbers, permuted', async () => {
    const params = { width: 4, blocks: 1 };
    const channelsFirst = buildForward(make('resnet', { ...params, layout: '(vector, x, y)' }), { u: [2, 2, 8, 6] });
    const channelsLast = buildForward(make('resnet', { ...params, layout: '(x, y, vector)' }), { u: [2, 8, 6, 2] });
    const perm = [0, 2, 3, 1];
    const feeds = { ...channelsLast.feeds, u: { ...channelsFirst.feeds.u, shape: [2, 8, 6, 2], data: transposeData(channelsFirst.feeds.u.data, [2, 2, 8, 6], perm) } };
    const a = (await runOnOrt(channelsFirst.graph, channelsFirst.feeds)).u_pred;
    const b = (await runOnOrt(channelsLast.graph, feeds)).u_pred;
    expect(Array.from(b.data as Float32Array)).toEqual(Array.from(transposeData(a.data, a.shape, perm) as Float32Array));
  });

  it('shares its weights when applied repeatedly (an autoregressive rollout unrolls it)', () => {
    const model = make('unet', { layout: '(vector, x)', levels: 2, width: 4 });
    const g = new GraphBuilder('rollout');
    const params = new ParameterSet(g, 0, 'float32');
    let u = g.input('u', 'float32', [2, 1, 8]);
    for (let k = 0; k < 3; k++) u = model.apply(g, params, u, 1);
    const single = new GraphBuilder('once');
    const once = new ParameterSet(single, 0, 'float32');
    model.apply(single, once, single.input('u', 'float32', [2, 1, 8]), 1);
    expect(params.names()).toEqual(once.names());
    expect(g.build().inputs.length).toBe(single.build().inputs.length);
  });

  it('reports its settings as configured, defaults filled in', () => {
    expect(make('fno', {}).effectiveSettings()).toEqual({
      input: 'permeability', output: 'darcy_pred', layout: '(channel, x, y)', activation: 'gelu', width: 16, layers: 4, modes: 8,
      domain_padding: 0, decoder_width: 32, decoder_activation: 'silu', spectral_transform: 'matmul',
    });
  });
});
