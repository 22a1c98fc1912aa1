import { describe, expect, it } from 'vitest';
import { pinnAdapter, pinnAdapterParams } from '../../src/plugins/adapters/pinn/pinn-adapter.ts';

// specs/pinn.md §1: the pinn adapter's point sets, as mask columns of one table, and its test grid.
const base = { domain: { x: [-1, 1], t: [0, 0.5] }, points: { interior: 50, boundary: 20, initial: 10 }, test_grid: { x: 5, t: 3 }, solution: { u: 'x * exp(-t)' }, constants: { nu: 0.1 } };

async function table(params: Record<string, unknown>) {
  const adapter = await pinnAdapter.create(pinnAdapterParams.parse(params));
  const data = adapter.container();
  const rows = data.split.train.length + data.split.validation.length;
  const all = data.gather(Int32Array.from({ length: rows }, (_, i) => i));
  const col = (key: string) => all.get(key)!.data as Float64Array;
  return { adapter, data, rows, coords: col('coords'), col };
}

describe('the pinn adapter', () => {
  it('draws interior points inside the box, boundary points on the spatial faces, initial points at the first t', async () => {
    const { coords, col, rows } = await table(base);
    expect(rows).toBe(50 + 20 + 10 + 15);
    const x = (i: number) => coords[2 * i];
    const t = (i: number) => coords[2 * i + 1];
    const set = (name: string) => [...col(`mask_${name}`)].flatMap((m, i) => (m === 1 ? [i] : []));
    expect(set('interior')).toHaveLength(50);
    for (const i of set('interior')) expect(x(i) > -1 && x(i) < 1 && t(i) > 0 && t(i) < 0.5).toBe(true);
    const faces = set('boundary').map((i) => x(i));
    expect(faces.every((v) => v === -1 || v === 1)).toBe(true);
    expect(faces.filter((v) => v === -1).length).toBe(10); // stratified face choice: half on each face
    expect(set('initial').every((i) => t(i) === 0)).toBe(true);
    // Every row is in exactly one set.
    for (let i = 0; i < rows; i++) expect(['interior', 'boundary', 'initial', 'test'].reduce((n, s) => n + col(`mask_${s}`)[i], 0)).toBe(1);
    // The exact solution is evaluated on every row.
    col('u_exact').forEach((u, i) => expect(u).toBeCloseTo(x(i) * Math.exp(-t(i)), 14));
  });

  it('puts the regular test grid last, first coordinate fastest, as the validation split', async () => {
    const { data, coords, rows } = await table(base);
    expect(data.split.validation.length).toBe(15);
    const grid = [...coords.subarray(2 * (rows - 15))];
    expect(grid.slice(0, 10)).toEqual([-1, 0, -0.5, 0, 0, 0, 0.5, 0, 1, 0]);
    expect(grid.slice(-2)).toEqual([1, 0.5]);
  });

  it('tells the loss its coordinates, constants, sets and exact fields; a domain without t has no initial set', async () => {
    const { adapter } = await table({ ...base, domain: { x: [0, 1], y: [0, 2] }, points: { interior: 30, boundary: 8 }, test_grid: { x: 3, y: 4 }, solution: { u: 'x * y' } });
    const d = adapter.lossContext().domain!;
    expect(d.coordinates).toEqual(['x', 'y']);
    expect(d.sets).toEqual({ interior: 'mask_interior', boundary: 'mask_boundary', test: 'mask_test' });
    expect(d.constants).toEqual({ nu: { value: 0.1 } });
    expect(d.solution).toEqual({ u: 'u_exact' });
    expect(d.grid).toEqual([3, 4]);
  });

  it('resamples the train sets every K epochs and keeps the test grid', async () => {
    const { adapter } = await table({ ...base, points: { ...base.points, resample_every: 2 } });
    const first = (epoch: number, split: 'train' | 'validation') => adapter.epochBatches(split, { batchSize: 80, seed: 0, epoch, shuffle: false }).at(0).tensors.get('coords')!.data as Float64Array;
    expect([...first(1, 'train')]).toEqual([...first(0, 'train')]);
    expect([...first(2, 'train')]).not.toEqual([...first(0, 'train')]);
    expect([...first(2, 'validation').subarray(0, 15)]).toEqual([...first(0, 'validation').subarray(0, 15)]);
  });

  it('draws i.i.d. uniform points with sampler: uniform, reproducibly from the seed', async () => {
    const a = await table({ ...base, points: { ...base.points, sampler: 'uniform', seed: 4 } });
    const b = await table({ ...base, points: { ...base.points, sampler: 'uniform', seed: 4 } });
    const c = await table({ ...base, points: { ...base.points, sampler: 'lhs', seed: 4 } });
    expect([...a.coords]).toEqual([...b.coords]);
    expect([...a.coords]).not.toEqual([...c.coords]);
  });

  it('refuses an initial set without a t and a test grid that misses a coordinate', async () => {
    await expect(table({ ...base, domain: { x: [0, 1], y: [0, 1] }, test_grid: { x: 3, y: 3 } })).rejects.toThrow(/adapter\.params\.points\.initial is 10 but the domain has no coordinate named "t"/);
    await expect(table({ ...base, test_grid: { x: 3 } })).rejects.toThrow(/adapter\.params\.test_grid must give a point count for each coordinate \(x, t\); missing: t/);
  });
});
