import type { ValidatedData } from '../../../data/contract.ts';
import { writeNpzFile } from '../../../data/npz.ts';
import { fromComplex64 } from '../../../physics/ptycho/complex-plane.ts';
import type { ComplexPlane } from '../../../physics/ptycho/fft.ts';
import { groupNeighbours, type GroupingOptions } from '../../../physics/ptycho/grouping.ts';
import { cutPatch } from '../../../physics/ptycho/patches.ts';

/**
 * Upstream's PtychoDataContainer (docs/reference/seed-systems.md §1.3) in tandem's terms. Per group g and channel c (scan index
 * nn_indices[g, c]), with N×N patterns:
 *
 * | field     | shape          | meaning |
 * |-----------|----------------|---------|
 * | X         | (n, N, N, C)   | normalised amplitude: X = sqrt((N/2)² / mean_i Σ_hw A_i²) · A over the n·C patterns (float64 sums) |
 * | counts    | (n, N, N, C)   | measured photon counts A² = (X · intensityScale)², the Poisson NLL's target |
 * | Y_I, Y_phi| (n, N, N, C)   | ground-truth amplitude and phase patches cut from objectGuess (ones / zeros without it) |
 * | coords    | (n, 2, C)      | (x, y) of each channel RELATIVE to the group mean: + (coords − mean), not upstream's −1 sign |
 * | offsets   | (n, 2)         | group mean (x, y): the global offset |
 * | nnIndices | (n, C)         | scan indices |
 * | probe     | N×N complex    | probeGuess as given |
 *
 * `channels` is C = gridsize² and is checked against every field here, so the upstream pitfall (BUG-TF-001: a
 * gridsize-2 run silently producing 1-channel tensors) surfaces as an error, not a shape change.
 */
export interface PtychoDataContainer {
  readonly N: number;
  readonly gridsize: number;
  readonly channels: number;
  readonly count: number;
  readonly X: Float32Array;
  readonly counts: Float32Array;
  readonly Y_I: Float32Array;
  readonly Y_phi: Float32Array;
  readonly coords: Float32Array;
  readonly offsets: Float64Array;
  readonly nnIndices: Int32Array;
  readonly probe: ComplexPlane;
  /** X = normFactor · A. */
  readonly normFactor: number;
  /** 1 / normFactor, so (X · intensityScale)² are the counts (upstream's intensity_scale, here not trainable). */
  readonly intensityScale: number;
  readonly hasGroundTruth: boolean;
}

export function buildPtychoContainer(data: ValidatedData, grouping: GroupingOptions): PtychoDataContainer {
  const x = data.arrays.get('xcoords')!.data as Float64Array;
  const y = data.arrays.get('ycoords')!.data as Float64Array;
  const amp = data.arrays.get('diff3d')!.data as Float32Array;
  const n = data.sizes.N;
  const groups = groupNeighbours(x, y, grouping);
  const c = groups.channels;
  const count = groups.count;
  const plane = n * n;
  const size = count * plane * c;
  const counts = new Float32Array(size);
  let sumSq = 0; // float64 accumulation, as upstream normalize_data (NEP-50 comment)
  for (let g = 0; g < count; g++) {
    for (let k = 0; k < c; k++) {
      const src = groups.nnIndices[g * c + k] * plane;
      for (let p = 0; p < plane; p++) {
        const a = amp[src + p];
        counts[(g * plane + p) * c + k] = a * a;
        sumSq += a * a;
      }
    }
  }
  const meanSq = sumSq / (count * c);
  if (!(meanSq > 0)) throw new RangeError(`${data.source}: every diffraction pattern in the groups is zero; there is nothing to normalise or fit`);
  const normFactor = Math.sqrt((n / 2) ** 2 / meanSq);
  const X = new Float32Array(size);
  for (let i = 0; i < size; i++) X[i] = normFactor * Math.sqrt(counts[i]);
  const truth = groundTruth(data, groups.nnIndices, count, c, n);
  const offsets = new Float64Array(count * 2);
  const coords = new Float32Array(count * 2 * c);
  for (let g = 0; g < count; g++) {
    let [mx, my] = [0, 0];
    for (let k = 0; k < c; k++) [mx, my] = [mx + x[groups.nnIndices[g * c + k]] / c, my + y[groups.nnIndices[g * c + k]] / c];
    [offsets[2 * g], offsets[2 * g + 1]] = [mx, my];
    for (let k = 0; k < c; k++) {
      coords[(g * 2 + 0) * c + k] = x[groups.nnIndices[g * c + k]] - mx;
      coords[(g * 2 + 1) * c + k] = y[groups.nnIndices[g * c + k]] - my;
    }
  }
  const probe = fromComplex64(data.arrays.get('probeGuess')!.data as Float32Array);
  const container = { N: n, gridsize: grouping.gridsize, channels: c, count, X, counts, ...truth, coords, offsets, nnIndices: groups.nnIndices, probe, normFactor, intensityScale: 1 / normFactor };
  checkChannels(container);
  return container;
}

/** Every per-group field must hold exactly C channels: the explicit form of upstream's silent gridsize pitfall. */
export function checkChannels(p: PtychoDataContainer): void {
  const want = p.gridsize * p.gridsize;
  if (p.channels !== want) throw new RangeError(`ptycho container: gridsize ${p.gridsize} means ${want} channels per group, but the container holds ${p.channels}`);
  const perGroup: Record<string, number> = { X: p.N * p.N, counts: p.N * p.N, Y_I: p.N * p.N, Y_phi: p.N * p.N, coords: 2, nnIndices: 1 };
  for (const [key, per] of Object.entries(perGroup)) {
    const got = (p[key as keyof PtychoDataContainer] as ArrayLike<number>).length / (p.count * per);
    if (got !== want) throw new RangeError(`ptycho container: ${key} holds ${got} channels per group, gridsize ${p.gridsize} requires ${want}; the grouping and the container disagree`);
  }
}

/** Amplitude and phase patches of objectGuess at each channel's position (upstream get_image_patches). */
function groundTruth(data: ValidatedData, nn: Int32Array, count: number, c: number, n: number): { Y_I: Float32Array; Y_phi: Float32Array; hasGroundTruth: boolean } {
  const size = count * n * n * c;
  const Y_I = new Float32Array(size).fill(1);
  const Y_phi = new Float32Array(size);
  const object = data.arrays.get('objectGuess');
  if (!object) return { Y_I, Y_phi, hasGroundTruth: false };
  const plane = fromComplex64(object.data as Float32Array);
  const x = data.arrays.get('xcoords')!.data as Float64Array;
  const y = data.arrays.get('ycoords')!.data as Float64Array;
  for (let g = 0; g < count; g++) {
    for (let k = 0; k < c; k++) {
      const s = nn[g * c + k];
      const patch = cutPatch(plane, object.shape[1], x[s], y[s], n);
      for (let p = 0; p < n * n; p++) {
        Y_I[(g * n * n + p) * c + k] = Math.hypot(patch.re[p], patch.im[p]);
        Y_phi[(g * n * n + p) * c + k] = Math.atan2(patch.im[p], patch.re[p]);
      }
    }
  }
  return { Y_I, Y_phi, hasGroundTruth: true };
}

/**
 * The grouping as trained (upstream's train_container / test_container): `ptycho_groups.npz` in the run directory
 * with nn_indices, offsets, coords, the train and test group indices, and the normalisation in the metadata.
 */
export function writeGroups(path: string, p: PtychoDataContainer, split: { readonly train: Int32Array; readonly validation: Int32Array }): void {
  writeNpzFile(
    path,
    {
      nn_indices: { dtype: 'int32', shape: [p.count, p.channels], data: p.nnIndices, dims: ['batch', 'channel'] },
      offsets: { dtype: 'float64', shape: [p.count, 2], data: p.offsets, dims: ['batch', 'vector'] },
      coords: { dtype: 'float32', shape: [p.count, 2, p.channels], data: p.coords, dims: ['batch', 'vector', 'channel'] },
      train_groups: { dtype: 'int32', shape: [split.train.length], data: split.train },
      test_groups: { dtype: 'int32', shape: [split.validation.length], data: split.validation },
    },
    { attrs: { gridsize: p.gridsize, N: p.N, norm_factor: p.normFactor, intensity_scale: p.intensityScale } },
  );
}
