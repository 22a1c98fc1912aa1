import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/graph/tensor.ts';
import { pinnAdapter, pinnAdapterParams } from '../../src/plugins/adapters/pinn/pinn-adapter.ts';
import type { BatchFeed } from '../../src/contracts/backend.ts';
import { evaluatePinn } from '../../src/train/evaluation/pinn-evaluation.ts';

// specs/pinn.md §1: the test-grid evaluation behind report.html, with a stand-in forward pass (the exact field
// plus a known offset), so its numbers are known.
async function evaluated(params: Record<string, unknown>, offset: number) {
  const adapter = await pinnAdapter.create(pinnAdapterParams.parse(params));
  const domain = adapter.lossContext().domain!;
  const forward = async (batch: BatchFeed) => {
    const exact = batch.get('u_exact')!;
    return new Map([['u', tensor('float32', exact.shape, Array.from(exact.data as ArrayLike<number>, (v) => v + offset))]]);
  };
  return evaluatePinn('e', adapter.container(), domain, domain.grid!, forward);
}

describe('the PINN test-grid evaluation', () => {
  it('measures the error on the grid and plots prediction | exact | error with one colour domain for the first two', async () => {
    const e = await evaluated({ domain: { x: [0, 1], y: [0, 1] }, points: { interior: 10, boundary: 4 }, test_grid: { x: 5, y: 4 }, solution: { u: 'x + y' } }, 0.5);
    expect(e.points).toBe(20);
    expect(e.fields.u.max_abs).toBeCloseTo(0.5, 6);
    expect(e.fields.u.rms).toBeCloseTo(0.5, 6);
    const [plot] = e.plots;
    const panels = (plot.spec as { hconcat: { encoding: { color: { scale: { domain?: number[] } } } }[] }).hconcat;
    expect(panels).toHaveLength(3);
    expect(panels[0].encoding.color.scale.domain).toEqual([0, 2.5]);
    expect(panels[1].encoding.color.scale.domain).toEqual([0, 2.5]);
  });

  it('draws a one-coordinate field as lines, prediction beside the exact solution', async () => {
    const e = await evaluated({ domain: { x: [0, 1] }, points: { interior: 10, boundary: 2 }, test_grid: { x: 11 }, solution: { u: 'sin(pi * x)' } }, 0);
    expect(e.fields.u.rel_l2).toBeLessThan(1e-7);
    const values = (e.plots[0].spec as { data: { values: { series: string }[] } }).data.values;
    expect(new Set(values.map((v) => v.series))).toEqual(new Set(['u (predicted)', 'u (exact)']));
    expect(values).toHaveLength(22);
  });
});
