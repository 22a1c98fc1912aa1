import { it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../src/graph/builder.ts';
import { toOnnx } from '../src/graph/onnx/to-onnx.ts';
it('sweep', async () => {
  const bad: string[] = [];
  let n = 0;
  for (const op of ['MaxPool', 'AveragePool'])
  for (const size of [4, 5, 6, 7, 8, 9])
    for (const k of [1, 2, 3])
      for (const s of [1, 2, 3])
        for (const p of [0, 1])
         for (const cip of op === 'AveragePool' ? [0, 1] : [0]) {
          if (p >= k) continue;
          const b = new GraphBuilder('g');
          const x = b.input('x', 'float32', [1, 1, size, size]);
          let y;
          try {
            y = b.op(op, [x], { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], ceil_mode: 1, ...(op === 'AveragePool' ? { count_include_pad: cip } : {}) }, { outputs: 1 })[0];
          } catch (e) { bad.push(`${op} ${size} k${k} s${s} p${p}: ours throws ${(e as Error).message}`); continue; }
          b.output(y, 'y');
          const sess = await ort.InferenceSession.create(toOnnx(b.build()));
          const out = await sess.run({ x: new ort.Tensor('float32', new Float32Array(size * size).map((_, i) => i), [1, 1, size, size]) });
          n++;
          const got = out.y.dims.join('x');
          const want = y.shape.join('x');
          if (got !== want) bad.push(`${op} size ${size} k${k} s${s} p${p} cip${cip}: ORT ${got}, ours ${want}`);
        }
  console.log(n, bad.join('\n'));
});
