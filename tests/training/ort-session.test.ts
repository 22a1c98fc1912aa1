import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/graph/tensor.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { cudaUnavailable } from '../../src/plugins/backends/onnxruntime/ort-providers.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram, nextName } from '../../src/train/program.ts';
import { smallSpec } from './helpers.ts';

const backend = async (params: Record<string, unknown> = {}) => ortBackend.create(ortBackend.params.parse({ threads: 1, ...params }));

function batch(k: number): Map<string, Tensor> {
  const x = Array.from({ length: 8 }, (_, i) => Math.sin(i + 3 * k));
  const u = Array.from({ length: 4 }, (_, i) => Math.cos(2 * i + k));
  return new Map([['x', tensor('float32', [4, 2], x)], ['u', tensor('float32', [4, 1], u)]]);
}

// The Session contract (state round-trips, refusals, dispose) runs for every backend in tests/backends/contract/.
describe('onnxruntime session', () => {
  it('three steps equal the step graph run by hand with runOnOrt, its new state fed back each time', async () => {
    const program = buildTrainingProgram(await smallSpec({ clip: { max_norm: 0.5 } }), 4);
    const session = await (await backend()).compile(program);
    let state = program.initialState();
    const lrs = [0.05, 0.02, 0.01];
    for (let k = 0; k < 3; k++) {
      const feeds = { ...Object.fromEntries(state), ...Object.fromEntries(batch(k)), lr: tensor('float32', [], [lrs[k]]), step: tensor('float32', [], [k + 1]) };
      const manual = await runOnOrt(program.graphs.step, feeds);
      const got = await session.step(batch(k), lrs[k], k + 1);
      expect(got.loss).toBe((manual.loss.data as Float32Array)[0]);
      expect(got.terms.data).toBe((manual['loss:data'].data as Float32Array)[0]);
      expect(got.gradNorm).toBe((manual.grad_norm.data as Float32Array)[0]);
      state = new Map(program.stateNames.map((n) => [n, manual[nextName(n)]]));
      const sessionState = session.getState();
      for (const n of program.stateNames) expect(Array.from(sessionState.get(n)!.data as Float32Array)).toEqual(Array.from(state.get(n)!.data as Float32Array));
    }
    // The state changed: a step that silently did nothing would also have matched a do-nothing manual run.
    expect(session.getState().get('layers.0.weight')!.data).not.toEqual(program.initialState().get('layers.0.weight')!.data);
    await session.dispose();
  });

  it('refuses lr <= 0 in the optimizer config', async () => {
    expect(() => createOptimizer({ name: 'adam', lr: 0 })).toThrow('lr must be > 0, got 0');
    expect(() => createOptimizer({ name: 'sgd', lr: -0.1 })).toThrow('lr must be > 0, got -0.1');
  });

  it('device cuda without the CUDA provider fails at construction and says how to install it', async () => {
    const why = cudaUnavailable();
    if (why === undefined) return expect(await backend({ device: 'cuda' })).toBeDefined(); // a GPU box with the provider: nothing to refuse
    await expect(backend({ device: 'cuda' })).rejects.toThrow('ONNXRUNTIME_NODE_INSTALL=cuda12');
    await expect(backend({ device: 'cuda' })).rejects.toThrow('device "cuda" was requested but the ONNX Runtime CUDA execution provider is not installed');
  });

  it('float64 with an op ORT CPU lacks in float64 names the op and node', async () => {
    const spec = await smallSpec({ dtype: 'float64', model: { effectiveSettings: () => ({}), forward: (g, inputs, params) => {
      const w = params.declare('w', [2, 1], { kind: 'constant', value: 0.5 });
      return { y: g.op1('Softplus', [g.matmul(inputs.x, w)], {}, { name: 'act' }) };
    } } });
    const program = buildTrainingProgram(spec, 4);
    await expect((await backend({ dtype: 'float64' })).compile(program)).rejects.toThrow('op Softplus (node "act" in graph "small.forward") has no float64 kernel');
  });

  it('trains in float64 when every op has a float64 kernel', async () => {
    const program = buildTrainingProgram(await smallSpec({ dtype: 'float64' }), 4);
    const session = await (await backend({ dtype: 'float64' })).compile(program);
    const b = batch(0);
    const first = await session.step(b, 0.05, 1);
    for (let k = 2; k <= 20; k++) await session.step(b, 0.05, k);
    expect((await session.evaluate(b)).loss).toBeLessThan(first.loss);
    expect(session.getState().get('layers.0.weight')!.dtype).toBe('float64');
    await session.dispose();
  });
});
