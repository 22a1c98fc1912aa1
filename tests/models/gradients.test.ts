import { describe, expect, it } from 'vitest';
import { checkGradients } from '../../src/autodiff/gradient-check.ts';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import type { GradRule } from '../../src/autodiff/rule.ts';
import { rngFor } from '../../src/data/rng.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { sizeOf, tensor, type Shape } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { fnoModel } from '../../src/plugins/models/fno/fno.ts';
import { spectralConv, type SpectralTransform } from '../../src/plugins/models/layers/spectral-conv.ts';
import { ParameterSet } from '../../src/contracts/parameters.ts';
import { resnetModel } from '../../src/plugins/models/resnet/resnet.ts';
import { unetModel } from '../../src/plugins/models/unet/unet.ts';
import { buildForward, createModel } from './model-harness.ts';

/** A spectral convolution alone, float64 (ORT runs DFT, MatMul, Pad and Slice in float64), with seeded weights. */
function spectralGraph(shape: Shape, out: number, modes: number[], transform: SpectralTransform) {
  const g = new GraphBuilder('spectral');
  const params = new ParameterSet(g, 3, 'float64');
  const x = g.input('x', 'float64', shape);
  g.output(spectralConv(g, params, 'sc', x, { out, modes, transform }), 'y');
  const rng = rngFor(3, 'x');
  const feeds = { ...Object.fromEntries(params.initialValues()), x: tensor('float64', shape, Array.from({ length: sizeOf(shape) }, () => rng.normal())) };
  return { graph: g.build(), feeds, params: params.names() };
}

const SHAPES: [string, Shape, number, number[]][] = [
  ['1-D, even grid', [2, 3, 16], 4, [5]],
  ['1-D, odd grid, all rfft bins kept', [2, 2, 9], 3, [5]],
  ['2-D, both frequency blocks', [2, 2, 8, 10], 3, [3, 4]],
  ['2-D, odd sizes, modes at the limit', [1, 2, 7, 9], 2, [3, 5]],
];
const TRANSFORMS: SpectralTransform[] = ['dft', 'matmul'];

describe('gradients through the spectral convolution match central differences', () => {
  it.each(TRANSFORMS.flatMap((t) => SHAPES.map(([name, ...rest]) => [`${name} (${t})`, ...rest, t] as const)))('%s: input and weights, float64', async (_name, shape, out, modes, transform) => {
    const { graph, feeds, params } = spectralGraph(shape, out, modes, transform);
    const r = await checkGradients(graph, { of: 'y', wrt: ['x', ...params], feeds, run: runOnOrt });
    expect(r.ok, r.summary).toBe(true);
  });

  it('the check can fail: a DFT rule whose irfft adjoint is off by a factor 2 is caught', async () => {
    const real = defaultRules.get('DFT')!;
    const wrong: GradRule = {
      op: 'DFT',
      grad: (ctx) => {
        const grads = real.grad(ctx);
        const irfft = ctx.attr('inverse') === 1 && ctx.attr('onesided') === 1;
        return irfft ? [ctx.b.mul(grads[0]!, ctx.scalar(2)), ...grads.slice(1)] : grads;
      },
    };
    const { graph, feeds, params } = spectralGraph([2, 2, 8, 10], 3, [3, 4], 'dft');
    const r = await checkGradients(graph, { of: 'y', wrt: ['x', ...params], feeds, run: runOnOrt, rules: defaultRules.with(wrong) });
    expect(r.ok, r.summary).toBe(false);
  });
});

describe('gradients through whole models (float32, as ORT CPU runs Conv)', () => {
  it.each(TRANSFORMS)('fno with domain padding (%s): all parameters', async (transform) => {
    const built = buildForward(createModel(fnoModel, { width: 4, layers: 2, modes: 3, domain_padding: 2, decoder_width: 4, spectral_transform: transform }), { permeability: [2, 1, 8, 8] });
    const wrt = [...built.params.keys()];
    const r = await checkGradients(built.graph, { of: 'darcy_pred', wrt, feeds: built.feeds, run: runOnOrt, eps: 1e-2 });
    expect(r.ok, r.summary).toBe(true);
  });

  it('resnet 1-D (convolutions as shifted-view MatMuls), zero padding: all parameters and the input', async () => {
    const built = buildForward(createModel(resnetModel, { width: 3, blocks: 1, padding: 'zeros', activation: 'tanh' }), { u: [2, 10, 2] });
    const r = await checkGradients(built.graph, { of: 'u_pred', wrt: ['u', ...built.params.keys()], feeds: built.feeds, run: runOnOrt });
    expect(r.ok, r.summary).toBe(true);
  });

  it('unet (max pool, nearest upsampling, skip concat): all parameters and the input', async () => {
    const built = buildForward(createModel(unetModel, { layout: '(x, y, vector)', levels: 2, width: 3, activation: 'tanh' }), { u: [2, 8, 8, 1] });
    const r = await checkGradients(built.graph, { of: 'u_pred', wrt: ['u', ...built.params.keys()], feeds: built.feeds, run: runOnOrt });
    expect(r.ok, r.summary).toBe(true);
  });
});
