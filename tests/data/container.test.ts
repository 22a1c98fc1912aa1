// DataContainer, split and the seeded batch iterator: specs/data-container.md "Container".
import { describe, expect, it } from 'vitest';
import { DataContainer } from '../../src/data/container.ts';
import { validate } from '../../src/data/contract.ts';
import { DataContractError, DataError } from '../../src/data/errors.ts';
import type { RawData } from '../../src/data/raw-data.ts';

/** 10 samples stored sample-last, (x, batch), so the container must move `batch` to the front by name. */
function data(n = 10) {
  const u = Float32Array.from({ length: 3 * n }, (_, i) => 1000 * Math.floor(i / n) + (i % n)); // u[x, b] = 1000x + b
  const raw: RawData = {
    source: 'mem',
    arrays: new Map([
      ['u', { dtype: 'float32', shape: [3, n], data: u, dims: ['x', 'batch'] }],
      ['id', { dtype: 'int64', shape: [n], data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)) }],
      ['probe', { dtype: 'complex64', shape: [2], data: Float32Array.from([1, 2, 3, 4]) }],
    ]),
    attrs: {},
  };
  return validate(raw, {
    keys: {
      u: { dtype: 'float32', dims: ['x', 'batch'] },
      id: { dtype: 'int64', dims: ['batch'] },
      probe: { dtype: 'complex64', dims: ['k'] },
    },
  });
}
const split = { validation: 0.3, seed: 5, shuffle: true };

describe('DataContainer', () => {
  it('moves the sample dim first, keeps constants aside and describes per-sample specs', () => {
    const c = DataContainer.create(data(), 'batch', split);
    expect(c.sampleCount).toBe(10);
    expect(c.tensors.get('u')).toMatchObject({ dims: ['batch', 'x'], shape: [10, 3] });
    expect(c.constants.get('probe')).toMatchObject({ dims: ['k'], shape: [2] });
    expect(c.specs()).toEqual({
      u: { dtype: 'float32', dims: ['x'], shape: [3], perSample: true },
      id: { dtype: 'int64', dims: [], shape: [], perSample: true },
      probe: { dtype: 'complex64', dims: ['k'], shape: [2], perSample: false },
    });
  });

  it('splits disjointly and completely, the same way for the same seed, differently for another', () => {
    const a = DataContainer.create(data(), 'batch', split);
    expect(a.split.validation.length).toBe(3);
    expect([...a.split.train, ...a.split.validation].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(DataContainer.create(data(), 'batch', split).split).toEqual(a.split);
    const others = [6, 7, 8, 9].map((seed) => Array.from(DataContainer.create(data(), 'batch', { ...split, seed }).split.validation).join());
    expect(others.some((v) => v !== Array.from(a.split.validation).join())).toBe(true);
    expect(Array.from(DataContainer.create(data(), 'batch', { ...split, shuffle: false }).split.validation)).toEqual([7, 8, 9]);
  });

  it('stacks the right samples into each batch, in a seeded order that changes per epoch', () => {
    const c = DataContainer.create(data(), 'batch', split);
    const epoch0 = [...c.epoch('train', { batchSize: 3, seed: 1, epoch: 0 })];
    expect(epoch0.map((b) => b.samples.length)).toEqual([3, 3, 1]);
    expect(epoch0.flatMap((b) => Array.from(b.samples)).sort((x, y) => x - y)).toEqual(Array.from(c.split.train));
    for (const b of epoch0) {
      const u = b.tensors.get('u')!;
      expect(u.dims).toEqual(['batch', 'x']);
      expect(u.shape).toEqual([b.samples.length, 3]);
      expect(Array.from(u.data as Float32Array)).toEqual(Array.from(b.samples).flatMap((s) => [s, 1000 + s, 2000 + s]));
      expect(Array.from(b.tensors.get('id')!.data as BigInt64Array, Number)).toEqual(Array.from(b.samples));
      expect(b.tensors.has('probe')).toBe(false);
    }
    const again = [...c.epoch('train', { batchSize: 3, seed: 1, epoch: 0 })].map((b) => Array.from(b.samples));
    expect(again).toEqual(epoch0.map((b) => Array.from(b.samples)));
    const epoch1 = [...c.epoch('train', { batchSize: 3, seed: 1, epoch: 1 })].map((b) => Array.from(b.samples).join());
    expect(epoch1).not.toEqual(epoch0.map((b) => Array.from(b.samples).join()));
  });

  it('resumes mid-epoch with at(), drops a short last batch on request, and keeps validation in order', () => {
    const c = DataContainer.create(data(), 'batch', split);
    const e = c.epoch('train', { batchSize: 2, seed: 9, epoch: 4 });
    expect(Array.from(e.at(2).samples)).toEqual(Array.from([...e][2].samples));
    expect(c.epoch('train', { batchSize: 3, seed: 1, epoch: 0, dropLast: true }).count).toBe(2);
    expect([...c.epoch('validation', { batchSize: 10, seed: 1, epoch: 0 })][0].samples).toEqual(c.split.validation);
    expect(() => e.at(99)).toThrow(/batch 99 is outside 0\.\.3/);
    expect(() => c.epoch('train', { batchSize: 0, seed: 1, epoch: 0 })).toThrow(/positive integer/);
  });

  it('rejects inconsistent sample counts, a missing sample dim and a split that leaves no training data', () => {
    const d = data();
    const bad = { ...d, arrays: new Map(d.arrays).set('id', { dtype: 'int64', shape: [4], dims: ['batch'], data: new BigInt64Array(4) }) };
    expect(() => DataContainer.create(bad, 'batch', split)).toThrow(DataContractError);
    expect(() => DataContainer.create(d, 'sample', split)).toThrow(/no key has the sample dim "sample"/);
    const one = data(1);
    expect(() => DataContainer.create(one, 'batch', { ...split, validation: 0.6 })).toThrow(DataError);
  });

  it('cuts trajectories into sliding windows, repeats per-trajectory keys, and splits by trajectory', () => {
    // 4 trajectories × 5 frames × 2 points, stored (batch, time, x): u = 100·b + 10·t + x
    const u = Float32Array.from({ length: 40 }, (_, i) => 100 * Math.floor(i / 10) + 10 * (Math.floor(i / 2) % 5) + (i % 2));
    const raw: RawData = {
      source: 'sims.npz',
      arrays: new Map([
        ['u', { dtype: 'float32', shape: [4, 5, 2], data: u }],
        ['nu', { dtype: 'float64', shape: [4], data: Float64Array.from([0.1, 0.2, 0.3, 0.4]) }],
        ['grid', { dtype: 'float32', shape: [2], data: Float32Array.from([0, 0.5]) }],
      ]),
      attrs: {},
    };
    const v = validate(raw, {
      keys: { u: { dtype: 'float32', dims: ['batch', 'time', 'x'] }, nu: { dtype: 'float64', dims: ['batch'] }, grid: { dtype: 'float32', dims: ['x'] } },
    });
    const c = DataContainer.create(v, 'batch', { validation: 0.25, seed: 2, shuffle: true }, { dim: 'time', size: 3, stride: 2 });
    expect(c.windowsPerSample).toBe(2); // starts at frames 0 and 2
    expect(c.sampleCount).toBe(8);
    expect(c.tensors.get('u')!.shape).toEqual([8, 3, 2]);
    const b = c.gather(Int32Array.from([3])); // trajectory 1, window 1: frames 2..4
    expect(Array.from(b.get('u')!.data as Float32Array)).toEqual([120, 121, 130, 131, 140, 141]);
    expect(Array.from(b.get('nu')!.data as Float64Array)).toEqual([0.2]);
    expect(c.constants.get('grid')!.shape).toEqual([2]);
    // the held-out trajectory's two windows are both in validation
    const val = Array.from(c.split.validation);
    expect(val).toHaveLength(2);
    expect(Math.floor(val[0] / 2)).toBe(Math.floor(val[1] / 2));
    expect([...c.split.train, ...val].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => DataContainer.create(v, 'batch', split, { dim: 'time', size: 6, stride: 1 })).toThrow(/has 5 frames along "time", fewer than the window size 6/);
    expect(() => DataContainer.create(v, 'batch', split, { dim: 'depth', size: 2, stride: 1 })).toThrow(/no key has the window dim "depth"/);
  });
});
