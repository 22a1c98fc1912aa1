import { describe, expect, it } from 'vitest';
import { benchAutodiff, formatAutodiffBench } from '../../src/bench/autodiff.ts';

describe('autodiff benchmark', () => {
  it('times the forward, gradient and second-order graphs and prints a table', async () => {
    const rows = await benchAutodiff({ batch: 8, hidden: [8, 8], timeMs: 30 });
    expect(rows.map((r) => r.graph)).toEqual(['forward', 'gradient (params)', 'second order (Δu → params)', 'second order, Taylor mode']);
    expect(rows[0].ratio).toBe(1);
    for (const r of rows) expect(r.medianMs).toBeGreaterThan(0);
    expect(rows[2].nodes).toBeGreaterThan(rows[1].nodes);
    expect(rows[1].nodes).toBeGreaterThan(rows[0].nodes);
    for (const r of rows.slice(1)) expect(r.simplifiedNodes).toBeLessThan(r.nodes);
    const table = formatAutodiffBench(rows);
    expect(table.split('\n')[0]).toMatch(/^\| graph +\| nodes \| simplified nodes \| median ms \| simplified ms \| samples \| × forward \|$/);
  });
});
