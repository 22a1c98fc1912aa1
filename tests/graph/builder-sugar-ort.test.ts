import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { tensor, toNumbers } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';

describe('builder sugar lowered to opset-17 ops, run on onnxruntime-node', () => {
  it('gelu matches x·Φ(x) at known points', async () => {
    const b = new GraphBuilder('gelu');
    const x = b.input('x', 'float32', [5]);
    b.output(b.gelu(x), 'y');
    const { y } = await runOnOrt(b.build(), { x: tensor('float32', [5], [-1, 0, 0.5, 1, 2]) });
    // Φ(-1), Φ(0.5), Φ(1), Φ(2) from the standard normal table (15 digits).
    const want = [-0.158655253931457, 0, 0.5 * 0.691462461274013, 0.841344746068543, 2 * 0.977249868051821];
    toNumbers(y).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-7));
  });

  it('refuses float64 ops ORT CPU cannot run, naming the node', async () => {
    const b = new GraphBuilder('gelu64');
    b.output(b.op1('Erf', [b.input('x', 'float64', [2])], {}, { name: 'erf1' }), 'y');
    await expect(runOnOrt(b.build(), { x: tensor('float64', [2], [0, 1]) })).rejects.toThrow('node "erf1" (Erf): onnxruntime CPU has no float64 kernel for Erf');
    // Written as Softplus and InstanceNormalization, which have none either.
    const c = new GraphBuilder('opset18-64');
    const x = c.input('x', 'float64', [1, 2, 3]);
    const unit = c.constant(tensor('float64', [1], [1]));
    c.output(c.op1('GroupNormalization', [c.op1('Mish', [x], {}, { name: 'mish1' }), unit, unit], { num_groups: 1 }), 'y');
    await expect(runOnOrt(c.build(), { x: tensor('float64', [1, 2, 3], [1, 2, 3, 4, 5, 6]) })).rejects.toThrow('node "mish1" (Mish): onnxruntime CPU has no float64 kernel for Mish');
  });

  it('circular pad wraps around, on both ends and several axes', async () => {
    const b = new GraphBuilder('circ');
    const x = b.input('x', 'float32', [2, 3]);
    b.output(b.pad(x, [1, 2, 0, 1], 'circular'), 'y');
    const { y } = await runOnOrt(b.build(), { x: tensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]) });
    expect(y.shape).toEqual([3, 6]);
    expect(toNumbers(y)).toEqual([5, 6, 4, 5, 6, 4, 2, 3, 1, 2, 3, 1, 5, 6, 4, 5, 6, 4]);
  });

  it('maxPool and layerNorm sugar produce only their main output; the statistics are available through op()', async () => {
    const b = new GraphBuilder('stats');
    const x = b.input('x', 'float32', [1, 1, 2, 2]);
    b.output(b.maxPool(x, { kernel_shape: [2, 2] }), 'm');
    const [y, mean, inv] = b.op('LayerNormalization', [x, b.constant(tensor('float32', [2], [1, 1]))], { axis: -1, epsilon: 0 });
    b.output(y, 'y');
    b.output(mean, 'mean');
    b.output(inv, 'inv');
    const out = await runOnOrt(b.build(), { x: tensor('float32', [1, 1, 2, 2], [1, 3, 2, 6]) });
    expect(toNumbers(out.m)).toEqual([6]);
    expect(toNumbers(out.mean)).toEqual([2, 4]);
    expect(toNumbers(out.inv)).toEqual([1, 0.5]);
    expect(toNumbers(out.y)).toEqual([-1, 1, -1, 1]);
  });

  it('slice with a negative step and resize (linear, align_corners) agree with a hand computation', async () => {
    const b = new GraphBuilder('slice');
    const x = b.input('x', 'float32', [1, 1, 1, 4]);
    b.output(b.slice(x, [-1], [-1000], [3], [-2]), 's');
    b.output(b.resize(x, { sizes: [1, 1, 1, 7] }, { mode: 'linear', coordinate_transformation_mode: 'align_corners' }), 'r');
    const out = await runOnOrt(b.build(), { x: tensor('float32', [1, 1, 1, 4], [0, 3, 6, 9]) });
    expect(toNumbers(out.s)).toEqual([9, 3]);
    toNumbers(out.r).forEach((v, i) => expect(v).toBeCloseTo(i * 1.5, 5));
  });
});
