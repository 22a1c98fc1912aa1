import { beforeAll, describe, expect, it } from 'vitest';
import { grad } from '../../src/autodiff/vjp.ts';
import { mismatch } from '../../src/conformance/compare.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { execute } from '../../src/plugins/backends/tfjs/interpreter.ts';
import { activateTfjs } from '../../src/plugins/backends/tfjs/runtime.ts';
import { convnetModel } from '../../src/plugins/models/convnet/convnet.ts';
import { fnoModel } from '../../src/plugins/models/fno/fno.ts';
import { resnetModel } from '../../src/plugins/models/resnet/resnet.ts';
import { unetModel } from '../../src/plugins/models/unet/unet.ts';
import type { Model } from '../../src/contracts/model.ts';
import type { PluginDefinition } from '../../src/contracts/plugin.ts';
import type { Shape } from '../../src/graph/tensor.ts';
import { buildForward, createModel } from './model-harness.ts';

// Both backends run the same forward-op graphs: the model, and its parameter gradients (what a train step uses).
const CASES: [string, PluginDefinition<'model', any, Model>, Record<string, unknown>, string, Shape][] = [
  ['convnet 1-D', convnetModel, { width: 6, depth: 2 }, 'u', [2, 16, 1]],
  ['resnet 2-D', resnetModel, { layout: '(x, y, vector)', width: 4, blocks: 1 }, 'u', [2, 8, 8, 2]],
  ['unet 1-D', unetModel, { width: 4, levels: 3 }, 'u', [2, 16, 1]],
  ['unet 2-D', unetModel, { layout: '(x, y, vector)', width: 4, levels: 2, padding: 'zeros' }, 'u', [2, 8, 6, 2]],
  ['fno 2-D', fnoModel, { width: 6, layers: 2, modes: 4, domain_padding: 2 }, 'permeability', [2, 1, 12, 10]],
  ['fno 2-D, DFT ops', fnoModel, { width: 6, layers: 2, modes: 4, spectral_transform: 'dft' }, 'permeability', [2, 1, 12, 10]],
  ['fno 1-D', fnoModel, { layout: '(x, channel)', width: 6, layers: 2, modes: 5 }, 'permeability', [2, 15, 1]],
];

// float32 on both; tfjs's DFT is a matmul with a cos/sin basis and its erf an approximation.
const TOL = { rtol: 1e-3, atol: 1e-5 };

describe('field models: onnxruntime and tfjs (wasm) agree', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  it.each(CASES)('%s: forward and parameter gradients', async (_name, def, params, key, shape) => {
    const built = buildForward(createModel(def, params), { [key]: shape });
    const out = built.graph.outputs[0].name;
    const grads = grad(built.graph, { of: out, wrt: [...built.params.keys()] });
    const ort = await runOnOrt(grads, built.feeds);
    const tfjs = execute(grads, built.feeds);
    for (const o of grads.outputs) expect(mismatch(tfjs[o.name], ort[o.name], TOL), o.name).toBeUndefined();
  });
});
