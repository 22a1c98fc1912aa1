import { afterAll, describe, expect, it } from 'vitest';
import { mismatch } from '../../../src/conformance/compare.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import { runOnOrt } from '../../../src/plugins/backends/onnxruntime/ort-run.ts';
import { cutDerivatives } from '../../../src/contracts/derivative-terms.ts';
import { Lbfgs } from '../../../src/train/lbfgs/lbfgs.ts';
import { gradOutput, LOSS_OUTPUT } from '../../../src/train/program.ts';
import { batches, pinnProgram } from './program-fixtures.ts';
import { openReference } from './torch-available.ts';

const { ref, skip } = await openReference('lbfgs-pinn');
afterAll(() => ref.dispose());

const OPTIONS = { name: 'lbfgs', lr: 1, max_iter: 8, history_size: 6, line_search_fn: 'strong_wolfe' } as const;

describe.skipIf(!!skip)('full-batch PINN with L-BFGS: tandem (host L-BFGS + our autodiff on ORT) vs torch.optim.LBFGS + autograd', () => {
  it('the loss after each of 4 optimizer steps, and the final parameters (float64)', async () => {
    const program = await pinnProgram('float64', { name: 'sgd', lr: 1 });
    const [batch] = batches(program, 1, 42);
    const init = program.initialState();
    const params = program.params;

    // Ours: the flat parameter vector, split into graph inputs for every objective evaluation.
    const x = new Float64Array(params.reduce((n, p) => n + init.get(p.name)!.data.length, 0));
    let off = 0;
    for (const p of params) {
      x.set(init.get(p.name)!.data as Float64Array, off);
      off += init.get(p.name)!.data.length;
    }
    const unflatten = (v: Float64Array | Float32Array): Record<string, Tensor> => {
      const out: Record<string, Tensor> = {};
      let o = 0;
      for (const p of params) {
        const n = init.get(p.name)!.data.length;
        out[p.name] = tensor('float64', p.shape, v.subarray(o, o + n));
        o += n;
      }
      return out;
    };
    const feeds = Object.fromEntries(batch);
    const objective = async (v: Float64Array | Float32Array) => {
      const r = await runOnOrt(program.graphs.gradients, { ...feeds, ...unflatten(v) });
      const grad = new Float64Array(v.length);
      let o = 0;
      for (const p of params) {
        grad.set(r[gradOutput(p.name)].data as Float64Array, o);
        o += r[gradOutput(p.name)].data.length;
      }
      return { loss: Number(r[LOSS_OUTPUT].data[0]), grad };
    };
    const ours = new Lbfgs(OPTIONS);

    // torch: the same options section, the cut loss graph, autograd for u_xx and for the parameters.
    const model = await ref.load(cutDerivatives(program.graphs.loss, program.derivatives), program.derivatives);
    const trainer = await ref.trainer(model, { params: new Map(params.map((p) => [p.name, init.get(p.name)!])), loss: LOSS_OUTPUT, optimizer: OPTIONS });

    const losses: number[][] = [];
    for (let s = 0; s < 4; s++) {
      const [mine, theirs] = [await ours.step(x, objective), (await trainer.steps([batch]))[0].loss];
      losses.push([mine, theirs]);
    }
    for (const [k, [mine, theirs]] of losses.entries()) expect(theirs, `loss at L-BFGS step ${k + 1}`).toBeCloseTo(mine, 8);
    expect(losses[3][0]).toBeLessThan(0.9 * losses[0][0]); // it really optimised
    const final = (await trainer.state()).params;
    const mine = unflatten(x);
    for (const p of params) expect(mismatch(final.get(p.name)!, mine[p.name], { rtol: 1e-6, atol: 1e-8 }), p.name).toBeUndefined();
  });
});
