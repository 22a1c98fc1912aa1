// spec: specs/parity.md "The float64 arbiter": the second float32 run of the reference runs torch one kernel set
// below the first process's, so it re-rounds per-sample arithmetic as well as batch sums.
import { describe, expect, it } from 'vitest';
import { otherKernelsEnv } from '../../../src/plugins/backends/torch/other-kernels.ts';

const AVX512 = 'fpu sse4_1 avx avx2 fma avx512f avx512dq avx512bw avx512vl';
const AVX2 = 'fpu sse4_1 avx avx2 fma';

describe('otherKernelsEnv: the kernel set of the arbiter\'s second torch process', () => {
  it('steps down from what the CPU offers: AVX-512 → AVX2, AVX2 → the portable kernels', () => {
    expect(otherKernelsEnv({}, () => AVX512)).toEqual({ ATEN_CPU_CAPABILITY: 'avx2', DNNL_MAX_CPU_ISA: 'AVX2' });
    expect(otherKernelsEnv({}, () => AVX2)).toEqual({ ATEN_CPU_CAPABILITY: 'default', DNNL_MAX_CPU_ISA: 'SSE41' });
    expect(otherKernelsEnv({}, () => '')).toEqual({ ATEN_CPU_CAPABILITY: 'default', DNNL_MAX_CPU_ISA: 'SSE41' });
  });

  it('an AVX-512 CPU without all four of ATen\'s AVX-512 features counts as AVX2', () => {
    expect(otherKernelsEnv({}, () => `${AVX2} avx512f`)).toEqual({ ATEN_CPU_CAPABILITY: 'default', DNNL_MAX_CPU_ISA: 'SSE41' });
  });

  it('steps down from ATEN_CPU_CAPABILITY when the first process is pinned by it', () => {
    expect(otherKernelsEnv({ ATEN_CPU_CAPABILITY: 'avx2' }, () => AVX512)).toEqual({ ATEN_CPU_CAPABILITY: 'default', DNNL_MAX_CPU_ISA: 'SSE41' });
    expect(otherKernelsEnv({ ATEN_CPU_CAPABILITY: 'avx512' }, () => AVX2)).toEqual({ ATEN_CPU_CAPABILITY: 'avx2', DNNL_MAX_CPU_ISA: 'AVX2' });
  });
});
