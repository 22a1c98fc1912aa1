import { describe, expect, it } from 'vitest';
import { benchProfile, profileTable } from '../../src/bench/profile.ts';

describe('tandem bench profile', () => {
  it('splits a tfjs train step into time per op type, covering every node type of the step graph', async () => {
    const p = await benchProfile({ config: 'conf/quickstart.yaml', backend: 'tfjs', steps: 1 });
    expect(p.rows.map((r) => r.op)).toContain('MatMul');
    expect(p.rows.reduce((acc, r) => acc + r.share, 0)).toBeCloseTo(1, 6);
    for (const r of p.rows) expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(p.rows.map((r) => r.ms)).toEqual([...p.rows.map((r) => r.ms)].sort((a, b) => b - a));
    expect(profileTable(p, 'tfjs', 1).split('\n')[1]).toMatch(/^\| op +\| nodes \| ms \/ step \| +share \|$/);
  });

  it('refuses a backend that runs the graph as one engine call', async () => {
    await expect(benchProfile({ config: 'conf/quickstart.yaml', backend: 'onnxruntime', steps: 1 })).rejects.toThrow(/backend "onnxruntime" runs a graph as one engine call and reports no per-node times; profile with --backend tfjs/);
  });
});
