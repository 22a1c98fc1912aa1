import type { NodeTestGap } from '../contracts/backend.ts';

/** A node test that is expected not to pass, with the status it must have and why. */
export type Exclusion = NodeTestGap;

function each(tests: readonly string[], status: Exclusion['status'], reason: string): [string, Exclusion][] {
  return tests.map((t) => [t, { status, reason }]);
}

const DTYPE = 'element type outside tandem dtypes (float32, float64, int32, int64, bool, uint8): no tandem backend carries it';
const UINT8_MATH = 'uint8 arithmetic is outside the op set: tandem keeps uint8 for masks/images only (tfjs has no uint8 kernels)';

/**
 * Node tests tandem refuses by design, for every executor: the reader rejects them with a GraphError (or
 * the model's inputs are types tandem's IR has no place for). Listed one by one so a new refusal is noticed.
 */
export const REFUSED_BY_DESIGN: ReadonlyMap<string, Exclusion> = new Map([
  ...each(['test_add_uint8', 'test_sub_uint8', 'test_mul_uint8', 'test_div_uint8', 'test_max_uint8', 'test_min_uint8'], 'unsupported', UINT8_MATH),
  ...each([
    'test_cast_BFLOAT16_to_FLOAT', 'test_cast_DOUBLE_to_FLOAT16', 'test_cast_FLOAT16_to_DOUBLE', 'test_cast_FLOAT16_to_FLOAT',
    'test_cast_FLOAT_to_BFLOAT16', 'test_cast_FLOAT_to_FLOAT16', 'test_cast_FLOAT_to_STRING', 'test_cast_STRING_to_FLOAT',
    'test_castlike_BFLOAT16_to_FLOAT_expanded', 'test_castlike_DOUBLE_to_FLOAT16_expanded', 'test_castlike_FLOAT16_to_DOUBLE_expanded',
    'test_castlike_FLOAT16_to_FLOAT_expanded', 'test_castlike_FLOAT_to_BFLOAT16_expanded', 'test_castlike_FLOAT_to_FLOAT16_expanded',
    'test_castlike_FLOAT_to_STRING_expanded', 'test_castlike_STRING_to_FLOAT_expanded',
    'test_max_float16', 'test_max_int16', 'test_max_int8', 'test_max_uint16', 'test_max_uint32', 'test_max_uint64',
    'test_min_float16', 'test_min_int16', 'test_min_int8', 'test_min_uint16', 'test_min_uint32', 'test_min_uint64',
    'test_pow_types_float32_uint32', 'test_pow_types_float32_uint64',
    'test_clip_default_int8_inbounds', 'test_clip_default_int8_max', 'test_clip_default_int8_min',
  ], 'unsupported', DTYPE),
  ...each(['test_identity_opt', 'test_identity_sequence'], 'unsupported', 'optional and sequence values are outside tandem\'s tensor-only IR'),
  ...each([
    'test_pow_types_float', 'test_pow_types_int32_float32', 'test_pow_types_int32_int32', 'test_pow_types_int64_float32', 'test_pow_types_int64_int64',
  ], 'unsupported', 'Pow with an integer base is outside the op set (tandem raises floats only; int exponents are accepted)'),
  ...each([
    'test_resize_downsample_scales_cubic', 'test_resize_downsample_scales_cubic_A_n0p5_exclude_outside', 'test_resize_downsample_scales_cubic_align_corners',
    'test_resize_downsample_sizes_cubic', 'test_resize_upsample_scales_cubic', 'test_resize_upsample_scales_cubic_A_n0p5_exclude_outside',
    'test_resize_upsample_scales_cubic_align_corners', 'test_resize_upsample_scales_cubic_asymmetric', 'test_resize_upsample_sizes_cubic',
  ], 'unsupported', 'Resize mode cubic is refused: tandem supports nearest and linear, which every backend reproduces'),
  ...each(['test_resize_tf_crop_and_resize', 'test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn'], 'unsupported',
    'TensorFlow-specific coordinate modes (tf_crop_and_resize with roi, tf_half_pixel_for_nn) are refused'),
  ...each(['test_einsum_batch_diagonal'], 'unsupported', 'Einsum diagonals (a subscript repeated within one operand) are refused; tandem runs the contraction forms exporters emit'),
  ...each([
    'test_blackmanwindow_expanded', 'test_blackmanwindow_symmetric_expanded', 'test_hammingwindow_expanded',
    'test_hammingwindow_symmetric_expanded', 'test_hannwindow_expanded', 'test_hannwindow_symmetric_expanded',
  ], 'unsupported', 'the window length is a run-time input that reaches Range\'s limit: an output shape that depends on data values, which static shapes refuse'),
  ...each(['test_convtranspose_with_kernel', 'test_unsqueeze_axis_3'], 'unsupported',
    'the model targets an opset (8 / 11) where the op means something else (ConvTranspose padding rules, Unsqueeze axes attribute); tandem reads it as of its `since` opset only'),
  // The import-time ops (read by the onnx model's importer, run with `importTime`): the importer's own refusals.
  ...each(['test_constantofshape_float_ones', 'test_constantofshape_int_shape_zero', 'test_constantofshape_int_zeros'], 'unsupported',
    'the models import opset 9; the onnx model reads opset 11 to 18 (ConstantOfShape itself is read, and folded, in every export tandem imports)'),
  ...each([
    'test_flatten_axis2', 'test_flatten_axis3', 'test_flatten_negative_axis1', 'test_flatten_negative_axis2', 'test_flatten_negative_axis3', 'test_flatten_negative_axis4',
  ], 'unsupported', 'Flatten is lowered to Reshape for axis 0 and 1 only (what torch.flatten(x, 1) and nn.Flatten export); other axes are refused'),
  ...each(['test_lstm_with_peepholes'], 'unsupported', 'sequence_lens and peepholes are refused: the recurrence is unrolled over the static sequence length'),
  ...each(['test_training_dropout', 'test_training_dropout_default', 'test_training_dropout_default_mask', 'test_training_dropout_mask'], 'fail',
    'a training-mode Dropout\'s mask is an input tandem draws from the experiment seed and feeds identically to every backend and the reference (ones here: the identity), never the node\'s own random draw, which the expected output is one sample of; the zero-ratio tests pass'),
  ...each(['test_batchnorm_epsilon_training_mode', 'test_batchnorm_example_training_mode'], 'fail',
    'BatchNormalization training mode follows torch: running_var takes the unbiased batch variance (n/(n − 1)), where the ONNX text and these tests use the population variance; Y and running_mean pass'),
]);

/**
 * Ops of the set with no official node test in this ONNX's test data: Debian's libonnx-testdata is ONNX 1.12,
 * whose node tests stop at opset 17, and these ops arrive in opset 18. `tandem conformance` names them under its
 * table (and in `--json`) rather than leaving them out; they are checked on every backend against onnxruntime
 * (the op-case suites) and, through onnxruntime, against torch's own functions. No test is made up for them.
 */
export const OPS_WITHOUT_NODE_TESTS: Readonly<Record<string, string>> = {
  GroupNormalization: 'an opset-18 op (tests/graph/lowerings-vs-torch.test.ts checks it against F.group_norm)',
  Mish: 'an opset-18 op (tests/graph/lowerings-vs-torch.test.ts checks it against F.mish)',
};

/** Every node test expected not to pass on a backend: the shared design refusals plus the backend's own gaps. */
export function expectedNotPassing(gaps: ReadonlyMap<string, Exclusion>): ReadonlyMap<string, Exclusion> {
  return new Map([...REFUSED_BY_DESIGN, ...gaps]);
}
