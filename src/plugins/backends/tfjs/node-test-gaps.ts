import type { NodeTestGap } from '../../../contracts/backend.ts';

/**
 * Where the tfjs backend does not pass the ONNX node tests, and why (its capabilities report them; `tandem
 * conformance` and tests/backends/tfjs/onnx-conformance.test.ts fail on an entry that passes, so a fixed gap is
 * noticed and removed).
 */
const FLOAT64: NodeTestGap = { status: 'error', reason: 'float64: TensorFlow.js has no float64 type, so the interpreter refuses the graph' };

export const TFJS_NODE_TEST_GAPS: ReadonlyMap<string, NodeTestGap> = new Map<string, NodeTestGap>([
  ...['test_cast_DOUBLE_to_FLOAT', 'test_cast_FLOAT_to_DOUBLE', 'test_castlike_DOUBLE_to_FLOAT_expanded', 'test_castlike_FLOAT_to_DOUBLE_expanded', 'test_max_float64', 'test_min_float64'].map(
    (t): [string, NodeTestGap] => [t, FLOAT64],
  ),
  ...[
    'test_cumsum_1d', 'test_cumsum_1d_exclusive', 'test_cumsum_1d_reverse', 'test_cumsum_1d_reverse_exclusive', 'test_cumsum_2d_axis_0',
    'test_cumsum_2d_axis_1', 'test_cumsum_2d_negative_axis', 'test_einsum_batch_matmul', 'test_einsum_inner_prod', 'test_einsum_sum', 'test_einsum_transpose',
  ].map((t): [string, NodeTestGap] => [t, FLOAT64]),
  ['test_resize_downsample_scales_linear_align_corners', {
    status: 'fail',
    reason: 'the ONNX reference divides by in·scale (1.4) where ORT and tandem use the integer output size; tfjs matches ORT (the ORT conformance test lists the same deviation)',
  }],
]);

/** Ops with no ONNX node test tfjs can run; tests/backends/tfjs/ops.test.ts checks them against ORT instead. */
export const TFJS_NO_RUNNABLE_NODE_TEST: Readonly<Record<string, string>> = {
  Cast: 'every Cast node test involves float64, float16, bfloat16 or string',
  CumSum: 'every CumSum node test is float64',
  Einsum: 'every Einsum node test is float64',
};
