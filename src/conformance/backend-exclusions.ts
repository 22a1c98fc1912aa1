import { REFUSED_BY_DESIGN, type Exclusion } from './exclusions.ts';

/**
 * Per-backend departures from the ONNX node tests, one copy for the conformance tests and `tandem conformance`.
 * Each entry must still not pass: the tests fail on a stale entry, so a fixed gap is noticed and removed.
 */
export type ConformanceBackend = 'onnxruntime' | 'tfjs' | 'torch';
export const CONFORMANCE_BACKENDS: readonly ConformanceBackend[] = ['onnxruntime', 'tfjs', 'torch'];

function each(tests: readonly string[], status: Exclusion['status'], reason: string): [string, Exclusion][] {
  return tests.map((t) => [t, { status, reason }]);
}

/** Where onnxruntime-node 1.30 itself departs from the ONNX reference outputs (not our reader or writer). */
export const ORT_DEVIATIONS: ReadonlyMap<string, Exclusion> = new Map([
  ['test_resize_downsample_scales_linear_align_corners', {
    status: 'fail',
    reason: 'ORT computes align_corners linear downsampling by scales differently from the ONNX reference (known ORT semantics, docs/reference/backends.md §5.4)',
  }],
]);

/** Where the tfjs backend does not pass, and why. */
export const TFJS_GAPS: ReadonlyMap<string, Exclusion> = new Map([
  ...each(['test_cast_DOUBLE_to_FLOAT', 'test_cast_FLOAT_to_DOUBLE', 'test_castlike_DOUBLE_to_FLOAT_expanded', 'test_castlike_FLOAT_to_DOUBLE_expanded', 'test_max_float64', 'test_min_float64'],
    'error', 'float64: TensorFlow.js has no float64 type, so the interpreter refuses the graph'),
  ['test_resize_downsample_scales_linear_align_corners', {
    status: 'fail',
    reason: 'the ONNX reference divides by in·scale (1.4) where ORT and tandem use the integer output size; tfjs matches ORT (the ORT conformance test lists the same deviation)',
  }],
]);

/** Ops with no ONNX node test tfjs can run; tests/backends/tfjs/ops.test.ts checks them against ORT instead. */
export const TFJS_NO_RUNNABLE_NODE_TEST: Readonly<Record<string, string>> = {
  Cast: 'every Cast node test involves float64, float16, bfloat16 or string',
};

/** The torch interpreter passes every node test tandem's reader accepts (specs/torch-reference.md §5.1). */
const TORCH_GAPS: ReadonlyMap<string, Exclusion> = new Map();

const GAPS: Record<ConformanceBackend, ReadonlyMap<string, Exclusion>> = { onnxruntime: ORT_DEVIATIONS, tfjs: TFJS_GAPS, torch: TORCH_GAPS };

/** Every node test expected not to pass on `backend`: the shared design refusals plus the backend's own gaps. */
export function expectedNotPassing(backend: ConformanceBackend): ReadonlyMap<string, Exclusion> {
  return new Map([...REFUSED_BY_DESIGN, ...GAPS[backend]]);
}

/** The backend's own gaps only (the stale-exclusion checks look at these). */
export function backendGaps(backend: ConformanceBackend): ReadonlyMap<string, Exclusion> {
  return GAPS[backend];
}
