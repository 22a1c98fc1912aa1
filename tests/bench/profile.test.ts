import { describe, expect, it } from 'vitest';
import { benchProfile, profileTable } from '../../src/bench/profile.ts';

describe('tandem bench profile', () => {
  it('splits a tfjs train step into time per op type, covering every node type of the step graph', async () => {
    const p = await benchProfile({ config: 'conf/quickstart.yaml', backend: 'tfjs', steps: 1, threads: 1 });
    expect(p.rows.map((r) => r.op)).toContain('MatMul');
    expect(p.rows.reduce((acc, r) => acc + r.share, 0)).toBeCloseTo(1, 6);
    for (const r of p.rows) expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(p.rows.map((r) => r.ms)).toEqual([...p.rows.map((r) => r.ms)].sort((a, b) => b - a));
    expect(profileTable(p, 'tfjs', 1).split('\n')[1]).toMatch(/^\| op +\| nodes \| ms \/ step \| +share \|$/);
  });

  it('splits the bench MLP step on onnxruntime by the kernels its profiler reports, fused op types included', async () => {
    const p = await benchProfile({ config: 'mlp', backend: 'onnxruntime', steps: 1, threads: 1 });
    expect(p.graph).toMatch(/^bench-mlp\.step \(\d+ nodes as built, \d+ run, batch 1000\)$/);
    const ops = p.rows.map((r) => r.op);
    // ORT fuses the forward MatMul+Add(+Tanh): a profile of tandem's own node list would show MatMul, Add and Tanh instead.
    expect(ops.some((op) => op === 'FusedGemm' || op === 'Gemm')).toBe(true);
    expect(p.rows.reduce((acc, r) => acc + r.share, 0)).toBeCloseTo(1, 6);
    expect(p.stepMs).toBeGreaterThan(0);
  });

  it('refuses a backend that runs the graph in another process', async () => {
    await expect(benchProfile({ config: 'conf/quickstart.yaml', backend: 'torch', steps: 1, threads: 1 })).rejects.toThrow(/backend "torch" runs a graph in another process and reports no per-node times; profile with --backend tfjs or onnxruntime/);
  });
});
