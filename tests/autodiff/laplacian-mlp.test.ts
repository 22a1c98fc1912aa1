import { describe, expect, it } from 'vitest';
import { laplacian } from '../../src/autodiff/laplacian.ts';
import { grad } from '../../src/autodiff/vjp.ts';
import { Rng } from '../../src/data/rng.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import type { Graph } from '../../src/graph/ir.ts';
import type { Tensor } from '../../src/graph/tensor.ts';
import { mlpModel, mlpParams } from '../../src/plugins/models/mlp/mlp.ts';
import { ParameterSet } from '../../src/contracts/parameters.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { randomTensor } from './fd-helpers.ts';

// A small tanh MLP u(x) (the real `mlp` model plugin, float64): its per-sample Laplacian from the transform
// applied twice, against second central differences of the forward graph alone.

const N = 5;
const D = 3;

async function tanhMlp(): Promise<{ graph: Graph; feeds: Record<string, Tensor> }> {
  const b = new GraphBuilder('pinn');
  const x = b.input('x', 'float64', [N, D]);
  const params = new ParameterSet(b, 11, 'float64');
  const model = await mlpModel.create(mlpParams.parse({ in_features: D, hidden: [8, 8], out_features: 1 }));
  b.output(model.forward(b, { x }, params).y, 'u');
  const feeds: Record<string, Tensor> = { x: randomTensor('float64', [N, D], new Rng(3)) };
  for (const [name, t] of params.initialValues()) feeds[name] = t;
  return { graph: b.build(), feeds };
}

function shifted(x: Tensor, sample: number, d: number, h: number): Tensor {
  const data = Float64Array.from(x.data as Float64Array);
  data[sample * D + d] += h;
  return { ...x, data };
}

describe('Laplacian of a tanh MLP w.r.t. its inputs', () => {
  it('matches nested central differences per sample', async () => {
    const { graph, feeds } = await tanhMlp();
    const lap = laplacian(graph, { of: 'u', wrt: 'x' });
    expect(lap.outputs.map((o) => o.name)).toEqual(['u', 'laplacian:u']);
    const got = (await runOnOrt(lap, feeds))['laplacian:u'].data as Float64Array;

    // Δu ≈ Σ_d (u(x + h e_d) − 2u(x) + u(x − h e_d)) / h², perturbing one sample at a time.
    const h = 1e-4;
    const u = async (f: Record<string, Tensor>) => (await runOnOrt(graph, f)).u.data as Float64Array;
    const u0 = await u(feeds);
    for (let s = 0; s < N; s++) {
      let fd = 0;
      for (let d = 0; d < D; d++) {
        const up = await u({ ...feeds, x: shifted(feeds.x, s, d, h) });
        const down = await u({ ...feeds, x: shifted(feeds.x, s, d, -h) });
        fd += (up[s] - 2 * u0[s] + down[s]) / (h * h);
      }
      expect(Math.abs(got[s] - fd), `sample ${s}: autodiff ${got[s]}, finite differences ${fd}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    }
  });

  it('a PINN loss on the Laplacian can be differentiated w.r.t. the parameters (third pass)', async () => {
    const { graph, feeds } = await tanhMlp();
    const lap = laplacian(graph, { of: 'u', wrt: 'x' });
    const b = GraphBuilder.extend(lap);
    const r = b.value('laplacian:u');
    b.output(b.op1('ReduceMean', [b.mul(r, r)], { keepdims: 0 }), 'loss');
    const lossGraph = b.build();
    const full = grad(lossGraph, { of: 'loss', wrt: ['layers.0.weight'] });
    const g = (await runOnOrt(full, feeds))['grad:layers.0.weight'].data as Float64Array;

    // Directional check of d loss / d W0 along a random direction.
    const w0 = feeds['layers.0.weight'];
    const v = randomTensor('float64', w0.shape, new Rng(5));
    const eps = 1e-6;
    const loss = async (sign: number) => {
      const data = Float64Array.from(w0.data as Float64Array, (val, i) => val + sign * eps * (v.data as Float64Array)[i]);
      return ((await runOnOrt(lossGraph, { ...feeds, 'layers.0.weight': { ...w0, data } })).loss.data as Float64Array)[0];
    };
    const numeric = ((await loss(1)) - (await loss(-1))) / (2 * eps);
    const analytic = g.reduce((acc, gi, i) => acc + gi * (v.data as Float64Array)[i], 0);
    expect(Math.abs(analytic - numeric), `autodiff ${analytic}, central difference ${numeric}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
  });
});
