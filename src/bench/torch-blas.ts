import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/**
 * The anchor every `tandem bench` speed-up is measured against: which BLAS the torch process loaded and how fast
 * its matmul is. Debian's torch links the generic libblas.so.3; with nothing else installed that is the netlib
 * reference BLAS, several times slower than OpenBLAS, and a speed-up against it says little. The library is read
 * from the process's own memory map (torch_blas.py), so it is what ran, not what torch was built against.
 */
export type BlasKind = 'openblas' | 'mkl' | 'blis' | 'atlas' | 'reference' | 'unknown';

export interface TorchBlas {
  readonly blas: BlasKind;
  /** float32 512×512 matmul rate of the torch process, at `threads`. */
  readonly gflops: number;
  readonly threads: number;
  /** The BLAS shared libraries mapped into the torch process. */
  readonly libraries: readonly string[];
}

/** `--threads`: a positive count, or `all` (every core this process may use), the same on both sides. */
export function parseThreads(v: string): number {
  if (v === 'all') return availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--threads must be a positive integer or "all", got "${v}"`);
  return n;
}

/** Names the BLAS implementation from the mapped library paths; an optimized one wins over the generic libblas shim. */
export function classifyBlas(libraries: readonly string[]): BlasKind {
  const files = libraries.map((p) => p.toLowerCase());
  if (files.some((p) => p.includes('mkl'))) return 'mkl';
  if (files.some((p) => p.includes('openblas'))) return 'openblas';
  if (files.some((p) => p.includes('blis'))) return 'blis';
  if (files.some((p) => p.includes('atlas'))) return 'atlas';
  if (files.some((p) => /\/libblas\.so/.test(p))) return 'reference';
  return 'unknown';
}

export async function probeTorchBlas(python: string, threads: number): Promise<TorchBlas> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'torch_blas.py');
  const r = await execa(python, [script, String(threads)], { reject: false });
  if (r.exitCode !== 0) throw new Error(`could not probe the BLAS of torch (${python} ${script}, exit ${r.exitCode}); is torch installed for that python (--python)?\n${r.stderr}`);
  const p = JSON.parse(r.stdout.trim()) as { libraries: string[]; threads: number; gflops: number };
  return { blas: classifyBlas(p.libraries), gflops: p.gflops, threads: p.threads, libraries: p.libraries };
}

/** The bench header line, with a bold warning when the anchor is the reference BLAS (or cannot be named). */
export function blasHeader(t: TorchBlas): string {
  const line = `torch BLAS: ${t.blas} (${t.libraries.join(', ') || 'no BLAS library mapped'}); float32 matmul 512²: ${t.gflops.toFixed(1)} GFLOP/s at ${t.threads} thread(s)`;
  if (t.blas === 'reference') {
    return `${line}\n**WARNING: torch runs on the unoptimized reference BLAS; speed-ups against it are not fair. Install libopenblas0-pthread (Debian: apt-get install libopenblas0-pthread).**`;
  }
  if (t.blas === 'unknown') return `${line}\n**WARNING: no BLAS library is mapped into the torch process (statically linked?); the anchor cannot be named.**`;
  return line;
}
