import { describe, expect, it } from 'vitest';
import { filterGradient, filterGradientByConv, filterGradientByMatMul, inputGradientByConv, type ConvGeometry } from '../../src/autodiff/conv-grad.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { resolveWindow } from '../../src/graph/ops/window.ts';
import { sizeOf, tensor, toNumbers, type Tensor } from '../../src/graph/tensor.ts';
import { rngFor } from '../../src/data/rng.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';

// The fast forms of the Conv gradient (conv-grad.ts, "Performance forms" in specs/graph-and-autodiff.md) against
// the forms they replace: the filter gradient as a Conv with the grid-sized kernel, the input gradient as a
// ConvTranspose. The finite-difference suites check the rules end to end; these pin each form on geometries the
// FD cases do not all reach (non-square kernels with dilation, 3-D, asymmetric pads, groups with strides).

interface Geometry { readonly x: number[]; readonly w: number[]; readonly attrs: Record<string, number[] | number> }
const GEOMETRIES: Record<string, Geometry> = {
  '2-D 3×3 pads 1 (UNet)': { x: [2, 3, 9, 8], w: [4, 3, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  '2-D 2×3 dilation 2': { x: [1, 2, 7, 6], w: [2, 2, 2, 3], attrs: { dilations: [2, 2] } },
  '2-D 3×2 dilation (1, 2), asymmetric pads': { x: [2, 2, 6, 7], w: [3, 2, 3, 2], attrs: { dilations: [1, 2], pads: [2, 0, 1, 1] } },
  '2-D stride 2, rows the last window misses': { x: [1, 2, 7, 8], w: [3, 2, 3, 3], attrs: { strides: [2, 2], pads: [1, 0, 0, 1] } },
  '2-D groups 2, stride (1, 2)': { x: [2, 4, 6, 7], w: [6, 2, 3, 3], attrs: { group: 2, strides: [1, 2], pads: [1, 1, 1, 1] } },
  '2-D depthwise': { x: [1, 3, 6, 6], w: [3, 1, 3, 3], attrs: { group: 3, pads: [1, 1, 1, 1] } },
  '2-D 1×1 (FNO pointwise)': { x: [2, 5, 4, 4], w: [3, 5, 1, 1], attrs: {} },
  '1-D stride 3': { x: [2, 2, 11], w: [3, 2, 4], attrs: { strides: [3], pads: [2, 1] } },
  '1-D k3 pads 1': { x: [3, 4, 10], w: [5, 4, 3], attrs: { pads: [1, 1] } },
  '1-D 1-tap with pads (wider than the kernel reaches: ConvTranspose kept)': { x: [2, 3, 6], w: [2, 3, 1], attrs: { pads: [1, 1] } },
  '3-D 2×3×2': { x: [1, 2, 5, 6, 4], w: [2, 2, 2, 3, 2], attrs: { pads: [1, 0, 1, 0, 1, 0] } },
};

function random(shape: number[], label: string): Tensor {
  const rng = rngFor(0, 'conv-grad-forms', label);
  return tensor('float32', shape, Array.from({ length: sizeOf(shape) }, () => rng.normal()));
}

function setup(geo: Geometry) {
  const win = resolveWindow(geo.x.slice(2), geo.w.slice(2), geo.attrs);
  const conv: ConvGeometry = { strides: win.strides, dilations: win.dilations, pads: win.pads, group: (geo.attrs.group as number | undefined) ?? 1 };
  const gShape = [geo.x[0], geo.w[0], ...win.out];
  const b = new GraphBuilder('conv-grad-forms');
  const x = b.input('x', 'float32', geo.x);
  const g = b.input('g', 'float32', gShape);
  const w = b.input('w', 'float32', geo.w);
  const feeds = { x: random(geo.x, 'x'), g: random(gShape, 'g'), w: random(geo.w, 'w') };
  return { b, x, g, w, conv, win, feeds };
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const [u, v] = [toNumbers(a), toNumbers(b)];
  return Math.max(...u.map((e, i) => Math.abs(e - v[i])));
}

describe('Conv filter gradient: im2col MatMul form equals the Conv form', () => {
  for (const [name, geo] of Object.entries(GEOMETRIES)) {
    it(name, async () => {
      const { b, x, g, conv, feeds } = setup(geo);
      const kernel = geo.w.slice(2);
      b.output(filterGradientByConv(b, x, g, kernel, conv), 'by_conv');
      b.output(filterGradientByMatMul(b, x, g, kernel, conv), 'by_matmul');
      const r = await runOnOrt(b.build(), feeds);
      expect(r.by_matmul.shape).toEqual(geo.w);
      expect(maxAbsDiff(r.by_matmul, r.by_conv)).toBeLessThan(1e-4);
    });
  }
});

describe('Conv input gradient: flipped-filter Conv equals ConvTranspose where it applies', () => {
  for (const [name, geo] of Object.entries(GEOMETRIES)) {
    it(name, async () => {
      const { b, g, w, conv, win, feeds } = setup(geo);
      const byConv = inputGradientByConv(b, g, w, conv);
      const k = conv.strides.length;
      const fits = conv.strides.every((s) => s === 1) && conv.pads.every((p, i) => p <= conv.dilations[i % k] * (geo.w[2 + (i % k)] - 1));
      expect(byConv !== null).toBe(fits);
      if (!byConv) return;
      b.output(byConv, 'by_conv');
      b.output(b.op1('ConvTranspose', [g, w], { strides: win.strides, dilations: win.dilations, pads: win.pads, group: conv.group }), 'by_transpose');
      const r = await runOnOrt(b.build(), feeds);
      expect(r.by_conv.shape).toEqual(geo.x);
      expect(maxAbsDiff(r.by_conv, r.by_transpose)).toBeLessThan(1e-4);
    });
  }
});

describe('filterGradient picks the form by kernel size', () => {
  const ops = (kernel: number[]) => {
    const b = new GraphBuilder('pick');
    const x = b.input('x', 'float32', [1, 2, 16, 16]);
    const g = b.input('g', 'float32', [1, 3, 16 - kernel[0] + 1, 16 - kernel[1] + 1]);
    b.output(filterGradient(b, x, g, kernel, { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], group: 1 }));
    return b.build().nodes.map((n) => n.op);
  };
  it('3×3 (9 taps): im2col MatMul, no Conv', () => {
    expect(ops([3, 3])).toContain('MatMul');
    expect(ops([3, 3])).not.toContain('Conv');
  });
  it('7×7 (49 taps, over the im2col limit): the Conv form', () => {
    expect(ops([7, 7])).toContain('Conv');
    expect(ops([7, 7])).not.toContain('MatMul');
  });
});
