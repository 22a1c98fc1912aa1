import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { convTransposeGeometry } from '../../src/graph/ops/conv.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';

// Regression: SAME_UPPER once put the odd ConvTranspose pad at the start, so every backend using the shared
// geometry (tfjs kernel, autodiff) disagreed with ORT on test_convtranspose_autopad_same.
describe('ConvTranspose auto_pad SAME_UPPER', () => {
  const graph = (attrs: Record<string, string | number[]>) => {
    const b = new GraphBuilder('ct');
    const x = b.input('x', 'float32', [1, 1, 3, 3]);
    const w = b.input('w', 'float32', [1, 2, 3, 3]);
    b.output(b.op1('ConvTranspose', [x, w], attrs), 'y');
    return b.build();
  };
  const feeds = {
    x: tensor('float32', [1, 1, 3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8]),
    w: tensor('float32', [1, 2, 3, 3], Array.from({ length: 18 }, (_, i) => (i * 7) % 5)),
  };

  it('puts the odd pad at the end, as ORT runs it', async () => {
    const geometry = convTransposeGeometry([3, 3], [3, 3], { auto_pad: 'SAME_UPPER', strides: [2, 2] });
    expect(geometry.pads).toEqual([0, 0, 1, 1]);
    const same = (await runOnOrt(graph({ auto_pad: 'SAME_UPPER', strides: [2, 2] }), feeds)).y;
    const explicit = (await runOnOrt(graph({ pads: geometry.pads as number[], strides: [2, 2] }), feeds)).y;
    expect(Array.from(same.data as Float32Array)).toEqual(Array.from(explicit.data as Float32Array));
  });
});
