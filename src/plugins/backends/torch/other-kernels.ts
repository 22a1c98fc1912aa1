import { readFileSync } from 'node:fs';

/**
 * The environment of a torch process whose float32 arithmetic rounds differently from the default one's: ATen's and
 * oneDNN's kernels one instruction set below what the first process uses (AVX-512 → AVX2, AVX2 → ATen's portable
 * kernels and oneDNN's SSE4.1). Different vector widths block and sum convolutions, matmuls and reductions in other
 * orders, so a second run there is a second, independent sample of torch's float32 rounding, per sample as well as
 * across the batch (the float64 arbiter's second reference run, specs/parity.md). What "the first process uses" is
 * what `ATEN_CPU_CAPABILITY` says when set, else the best this CPU has (read from /proc/cpuinfo; anything unknown
 * counts as AVX2-less).
 */
export function otherKernelsEnv(env: NodeJS.ProcessEnv = process.env, cpuFlags: () => string = readCpuFlags): Record<string, string> {
  const current = env.ATEN_CPU_CAPABILITY ?? bestCapability(cpuFlags());
  return current === 'avx512' ? { ATEN_CPU_CAPABILITY: 'avx2', DNNL_MAX_CPU_ISA: 'AVX2' } : { ATEN_CPU_CAPABILITY: 'default', DNNL_MAX_CPU_ISA: 'SSE41' };
}

function bestCapability(flags: string): 'avx512' | 'avx2' | 'default' {
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(flags);
  // ATen's AVX-512 kernels need these four (aten/src/ATen/native/DispatchStub.cpp, cpuinfo's avx512 check).
  if (['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every(has)) return 'avx512';
  return has('avx2') ? 'avx2' : 'default';
}

function readCpuFlags(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  } catch {
    return '';
  }
}
