import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { benchDocument, trainCaseJson } from '../../src/bench/bench-json.ts';
import { blasHeader, classifyBlas, parseThreads, probeTorchBlas } from '../../src/bench/torch-blas.ts';
import { benchTrain } from '../../src/bench/train.ts';
import { benchCase } from '../../src/bench/train-workloads.ts';

const PYTHON = '/usr/bin/python3';
const torch = execaSync(PYTHON, ['-c', 'import torch'], { reject: false });
const noTorch = torch.exitCode === 0 ? undefined : `no torch in ${PYTHON} (${torch.stderr.split('\n').at(-1)})`;
if (noTorch) console.warn(`[tests/bench/torch-blas.test.ts] SKIPPED the live BLAS probe and --json case: ${noTorch}`);

describe('the BLAS anchor', () => {
  it('names the implementation from the mapped libraries, an optimized one over the generic shim', () => {
    expect(classifyBlas(['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3'])).toBe('reference');
    expect(classifyBlas(['/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'])).toBe('openblas');
    expect(classifyBlas(['/opt/intel/lib/libmkl_rt.so.2'])).toBe('mkl');
    expect(classifyBlas([])).toBe('unknown');
  });

  it('warns in bold only for the reference BLAS (or none found)', () => {
    const t = { gflops: 3.2, threads: 1, libraries: ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3'] };
    expect(blasHeader({ ...t, blas: 'reference' })).toMatch(/\n\*\*WARNING: torch runs on the unoptimized reference BLAS.*libopenblas0-pthread.*\*\*$/);
    expect(blasHeader({ ...t, blas: 'openblas' })).not.toContain('WARNING');
  });

  it('parses --threads as a count or "all"', () => {
    expect(parseThreads('2')).toBe(2);
    expect(parseThreads('all')).toBeGreaterThanOrEqual(1);
    expect(() => parseThreads('0')).toThrow(/--threads must be a positive integer or "all", got "0"/);
  });

  // One probe (a torch start and half a second of matmuls) serves both live tests.
  const probe = noTorch ? undefined : probeTorchBlas(PYTHON, 1);

  it.skipIf(!!noTorch)('finds OpenBLAS in the torch process of this machine (set-up installs libopenblas0-pthread)', async () => {
    const t = await probe!;
    expect(t.libraries.some((l) => l.includes('openblas')), t.libraries.join(', ')).toBe(true);
    expect(t.blas).toBe('openblas');
    expect(t.threads).toBe(1);
    expect(t.gflops).toBeGreaterThan(0);
  });

  it.skipIf(!!noTorch)('--json: one document with the torch anchor and one entry per case', async () => {
    const tiny = benchCase('mlp', [4], 16);
    const rows = await benchTrain({ threads: 1, scaling: false, timeMs: 1, python: PYTHON, seed: 0, cases: [tiny] }, () => {});
    const doc = JSON.parse(JSON.stringify(benchDocument(await probe!, rows.map(trainCaseJson)))) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['torch', 'cases']);
    expect(doc.torch).toMatchObject({ blas: 'openblas', threads: 1, gflops: expect.any(Number) });
    expect(doc.cases).toEqual([
      { case: 'mlp', id: tiny.id, ort_ms: expect.any(Number), tfjs_ms: expect.any(Number), torch_ms: null, torch_native_ms: expect.any(Number), forward_ms: expect.any(Number), flops: 2 * 16 * (3 * 4 + 4 * 2) },
    ]);
  });
});
