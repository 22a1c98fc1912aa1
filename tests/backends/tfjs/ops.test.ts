import { beforeAll, describe, expect, it } from 'vitest';
import { mismatch } from '../../../src/conformance/compare.ts';
import '../../../src/graph/ops/index.ts';
import { registeredOps } from '../../../src/graph/op-registry.ts';
import { tensor } from '../../../src/graph/tensor.ts';
import { runOnOrt } from '../../../src/plugins/backends/onnxruntime/ort-run.ts';
import { execute } from '../../../src/plugins/backends/tfjs/interpreter.ts';
import { INTERPRETER_OPS, TFJS_KERNELS } from '../../../src/plugins/backends/tfjs/kernels/index.ts';
import { activateTfjs, type TfjsDevice } from '../../../src/plugins/backends/tfjs/runtime.ts';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import { caseGraph, OP_CASES } from './op-cases.ts';

// float32 kernels differ in summation order and in erf/exp approximations; these bound what that explains.
const TOL = { rtol: 1e-4, atol: 1e-5 };

describe('tfjs kernels cover the op set', () => {
  it('every registered op has a kernel (or is handled by the interpreter) and a row in the per-op table', () => {
    const covered = new Set([...Object.keys(TFJS_KERNELS), ...INTERPRETER_OPS]);
    expect(registeredOps().filter((op) => !covered.has(op))).toEqual([]);
    const tabled = new Set(OP_CASES.map((c) => c.op));
    expect(registeredOps().filter((op) => !tabled.has(op))).toEqual([]);
  });
});

describe.each(['wasm', 'cpu'] as TfjsDevice[])('tfjs interpreter on %s agrees with onnxruntime, op by op', (device) => {
  beforeAll(async () => {
    await activateTfjs(device);
  });

  it.each(OP_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { graph, feeds } = caseGraph(c);
    const want = await runOnOrt(graph, feeds);
    const got = execute(graph, feeds);
    for (const o of graph.outputs) expect(mismatch(got[o.name], want[o.name], TOL), `output ${o.name}`).toBeUndefined();
  });
});

describe('tfjs interpreter, hand-computed values', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  const run1 = (op: string, inputs: ReturnType<typeof tensor>[], attrs = {}) => {
    const b = new GraphBuilder('hand');
    const vs = inputs.map((t, k) => b.input(`x${k}`, t.dtype, t.shape));
    b.output(b.op1(op, vs, attrs), 'y');
    return execute(b.build(), Object.fromEntries(inputs.map((t, k) => [`x${k}`, t]))).y;
  };

  it('integer Div truncates toward zero and float → int Cast truncates (ONNX), not floor (tfjs int division)', () => {
    expect(Array.from(run1('Div', [tensor('int32', [4], [7, -7, 7, -7]), tensor('int32', [4], [2, 2, -2, -2])]).data as Int32Array)).toEqual([3, -3, -3, 3]);
    expect(Array.from(run1('Cast', [tensor('float32', [4], [1.7, -1.7, 2.5, -0.2])], { to: 6 }).data as Int32Array)).toEqual([1, -1, 2, 0]);
  });

  it('DFT of a length-4 real signal is the textbook spectrum', () => {
    const y = run1('DFT', [tensor('float32', [1, 4, 1], [1, 2, 3, 4])], { axis: 1 });
    // X_k = Σ x_t e^{-2πikt/4}: 10, -2+2i, -2, -2-2i.
    expect(Array.from(y.data as Float32Array, (v) => Math.round(v * 1e5) / 1e5 + 0)).toEqual([10, 0, -2, 2, -2, 0, -2, -2]);
  });

  it('int64 values beyond int32 are refused with the input named, never wrapped', () => {
    expect(() => run1('Neg', [tensor('int64', [2], [1n, 3000000000n])])).toThrow('graph "hand": input "x0" holds int64 value 3000000000 at flat index 1, outside tfjs\'s int32 range');
  });

  it('int64 results come back as int64 (BigInt64Array)', () => {
    const y = run1('Neg', [tensor('int64', [2], [5n, -9n])]);
    expect(y.dtype).toBe('int64');
    expect(Array.from(y.data as BigInt64Array)).toEqual([-5n, 9n]);
  });
});
