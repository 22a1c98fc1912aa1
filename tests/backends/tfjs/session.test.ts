import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mismatch } from '../../../src/conformance/compare.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { tfjsBackend } from '../../../src/plugins/backends/tfjs/tfjs-backend.ts';
import { builtinPlugins } from '../../../src/plugins/index.ts';
import type { Model } from '../../../src/contracts/model.ts';
import { buildTrainingProgram } from '../../../src/train/program.ts';
import { smallSpec } from '../../training/helpers.ts';

const tfjs = async (params: Record<string, unknown> = {}) => tfjsBackend.create(tfjsBackend.params.parse(params));
const ort = async () => ortBackend.create(ortBackend.params.parse({ threads: 1 }));

function batch(k: number, n = 4): Map<string, Tensor> {
  const x = Array.from({ length: 2 * n }, (_, i) => Math.sin(i + 3 * k));
  const u = Array.from({ length: n }, (_, i) => Math.cos(2 * i + k));
  return new Map([['x', tensor('float32', [n, 2], x)], ['u', tensor('float32', [n, 1], u)]]);
}

// Two float32 engines with different kernels (XNNPACK vs MLAS): a few ulp per op, compounded over 5 Adam steps.
const TOL = { rtol: 1e-4, atol: 1e-6 };

describe('tfjs backend plugin', () => {
  it('is a built-in plugin and reads back the device and engine that actually run', async () => {
    expect(builtinPlugins).toContain(tfjsBackend);
    const b = await tfjs();
    expect(b.effectiveSettings()).toMatchObject({ device: 'auto', dtype: 'float32', resolved: { device: 'wasm', backend: 'wasm', simd: true, threads: false } });
    expect((await tfjs({ device: 'cpu' })).effectiveSettings()).toMatchObject({ device: 'cpu', resolved: { backend: 'cpu' } });
    expect(b.capabilities().dtypes).not.toContain('float64');
  });

  it('refuses float64, device node without tfjs-node, and unknown params, each saying what to do', async () => {
    await expect(tfjs({ dtype: 'float64' })).rejects.toThrow('backend tfjs: dtype float64 is not available, TensorFlow.js has no float64 type; set backend.params.dtype=float32, or use backend=onnxruntime');
    await expect(tfjs({ device: 'node' })).rejects.toThrow('tfjs device "node" needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, which could not be loaded');
    expect(() => tfjsBackend.params.parse({ threads: 2 })).toThrow();
    const program = buildTrainingProgram(await smallSpec({ dtype: 'float64' }), 4);
    await expect((await tfjs()).compile(program)).rejects.toThrow('backend tfjs trains in float32 only (TensorFlow.js has no float64), but the program was built in float64');
  });
});

// The Session contract (state round-trips, refusals, dispose) runs for every backend in tests/backends/contract/.
describe('tfjs session', () => {
  it('five steps track the onnxruntime session: losses, grad norm and every parameter and Adam slot', async () => {
    const program = buildTrainingProgram(await smallSpec({ clip: { max_norm: 0.5 } }), 4);
    const [a, b] = [await (await tfjs()).compile(program), await (await ort()).compile(program)];
    for (let k = 0; k < 5; k++) {
      const [ra, rb] = [await a.step(batch(k), 0.05, k + 1), await b.step(batch(k), 0.05, k + 1)];
      expect(ra.loss).toBeCloseTo(rb.loss, 5);
      expect(ra.terms.data).toBeCloseTo(rb.terms.data, 5);
      expect(ra.gradNorm!).toBeCloseTo(rb.gradNorm!, 5);
    }
    const [sa, sb] = [a.getState(), b.getState()];
    expect([...sa.keys()]).toEqual(program.stateNames);
    for (const n of program.stateNames) expect(mismatch(sa.get(n)!, sb.get(n)!, TOL), n).toBeUndefined();
    // The state moved: a session that never updated would not match ORT's, but say it plainly.
    expect(mismatch(sa.get('layers.0.weight')!, program.initialState().get('layers.0.weight')!, TOL)).toBeDefined();
    const [ga, gb] = [await a.gradients(batch(9)), await b.gradients(batch(9))];
    for (const p of program.params) expect(mismatch(ga.grads.get(p.name)!, gb.grads.get(p.name)!, TOL), `grad ${p.name}`).toBeUndefined();
    await a.dispose();
    await b.dispose();
  });

  it('keeps tfjs memory flat over many steps and frees it all on dispose', async () => {
    const program = buildTrainingProgram(await smallSpec(), 4);
    const base = tf.memory().numTensors;
    const session = await (await tfjs()).compile(program);
    // Each graph uploads its constants on first use and keeps them: warm every entry point once.
    const useAll = async (k: number) => {
      await session.step(batch(k), 0.01, k);
      await session.evaluate(batch(k));
      await session.gradients(batch(k));
      await session.forward(batch(k), { extraOutputs: ['Tanh_0'] });
      session.setState(session.getState());
    };
    await useAll(1);
    const warm = tf.memory().numTensors;
    for (let k = 2; k <= 30; k++) await useAll(k);
    expect(tf.memory().numTensors).toBe(warm);
    await session.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });
});

/** Conv (strided, padded) → tanh → avg + max pool → ConvTranspose → DFT → LayerNorm → linear: gradients flow back through each. */
const convModel: Model = {
  effectiveSettings: () => ({}),
  forward(g, inputs, params) {
    const u = (name: string, shape: number[], bound = 0.4) => params.declare(name, shape, { kind: 'uniform', bound });
    const b = inputs.x.shape[0];
    const c = g.tanh(g.op1('Conv', [inputs.x, u('conv.w', [4, 2, 3, 3]), u('conv.b', [4])], { strides: [2, 2], pads: [1, 1, 1, 1] }));
    const pooled = g.add(g.op1('AveragePool', [c], { kernel_shape: [2, 2], strides: [2, 2] }), g.op1('MaxPool', [c], { kernel_shape: [2, 2], strides: [2, 2] }, { outputs: 1 }));
    const up = g.op1('ConvTranspose', [pooled, u('deconv.w', [4, 2, 2, 2])], { strides: [2, 2] });
    const flat = g.op1('Reshape', [up, g.ints([b, 32, 1])]);
    const spectrum = g.op1('Reshape', [g.op1('DFT', [flat], { axis: 1, onesided: 1 }), g.ints([b, 34])]);
    const normed = g.op1('LayerNormalization', [spectrum, u('norm.scale', [34])], {}, { outputs: 1 });
    return { y: g.matmul(normed, u('head.w', [34, 3])) };
  },
};

describe('tfjs session on a conv/DFT model', () => {
  it('gradients and two Adam steps match onnxruntime (conv filter gradients need no tfjs Conv2DBackpropFilter)', async () => {
    const spec = await smallSpec({
      model: convModel,
      inputs: { x: { dtype: 'float32', shape: [2, 8, 8], perSample: true }, u: { dtype: 'float32', shape: [3], perSample: true } },
    });
    const program = buildTrainingProgram(spec, 3);
    const data = new Map([
      ['x', tensor('float32', [3, 2, 8, 8], Array.from({ length: 384 }, (_, i) => Math.sin(0.37 * i)))],
      ['u', tensor('float32', [3, 3], Array.from({ length: 9 }, (_, i) => Math.cos(i)))],
    ]);
    const [a, b] = [await (await tfjs()).compile(program), await (await ort()).compile(program)];
    const [ga, gb] = [await a.gradients(data), await b.gradients(data)];
    expect(ga.loss).toBeCloseTo(gb.loss, 5);
    for (const p of program.params) expect(mismatch(ga.grads.get(p.name)!, gb.grads.get(p.name)!, { rtol: 1e-3, atol: 1e-5 }), `grad ${p.name}`).toBeUndefined();
    for (let k = 1; k <= 2; k++) expect((await a.step(data, 0.01, k)).loss).toBeCloseTo((await b.step(data, 0.01, k)).loss, 5);
    await a.dispose();
    await b.dispose();
  });
});

describe('tfjs session on a PINN loss (second input derivative of a tanh MLP)', () => {
  it('the parameter gradients of mean(u_xx²) + data MSE match onnxruntime, where tfjs autograd cannot nest tanh', async () => {
    const spec = await smallSpec({ loss: (s) => {
      const first = (v: ReturnType<typeof s.derivative>[number]) => s.g.op1('Slice', [v, s.g.ints([0]), s.g.ints([1]), s.g.ints([1])]);
      const ux = first(s.derivative(s.outputs.y, [s.inputs.x])[0]);
      const uxx = first(s.derivative(ux, [s.inputs.x])[0]);
      const g = s.g;
      const diff = g.sub(s.outputs.y, s.inputs.u);
      return {
        pde: { value: g.op1('ReduceMean', [g.mul(uxx, uxx)], { keepdims: 0 }), weight: 0.1 },
        data: { value: g.op1('ReduceMean', [g.mul(diff, diff)], { keepdims: 0 }), weight: 1 },
      };
    } });
    const program = buildTrainingProgram(spec, 4);
    const [a, b] = [await (await tfjs()).compile(program), await (await ort()).compile(program)];
    const [ga, gb] = [await a.gradients(batch(2)), await b.gradients(batch(2))];
    expect(ga.terms.pde).toBeGreaterThan(0);
    expect(ga.terms.pde).toBeCloseTo(gb.terms.pde, 5);
    for (const p of program.params) expect(mismatch(ga.grads.get(p.name)!, gb.grads.get(p.name)!, { rtol: 1e-3, atol: 1e-6 }), `grad ${p.name}`).toBeUndefined();
    await a.dispose();
    await b.dispose();
  });
});
