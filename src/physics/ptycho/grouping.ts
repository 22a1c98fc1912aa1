import { rngFor } from '../../data/rng.ts';

/**
 * Nearest-neighbour grouping of scan positions (upstream RawData.generate_grouped_data, docs/reference/seed-systems.md §1.2).
 * A group is C = gridsize² scan positions that the model sees together as C channels.
 *
 * Search: EXACT brute force, O(M²) distance evaluations with ties broken by index. M is the number of scan
 * positions (hundreds to a few thousand per scan), so this is milliseconds to a fraction of a second, and unlike
 * a k-d tree (upstream's cKDTree) the result does not depend on tree construction order when distances tie,
 * which happens on every regular raster. A uniform-grid bucket search would be the next step for M ≫ 10⁴.
 */
export interface GroupingOptions {
  /** Channels per group are gridsize². */
  readonly gridsize: number;
  /** Groups to form (upstream n_groups). */
  readonly nGroups: number;
  /** Neighbours each seed point draws its partners from (upstream neighbor_count K). */
  readonly neighbours: number;
  readonly seed: number;
  /** Take the first nGroups points as seeds instead of a seeded random sample. */
  readonly sequential: boolean;
  /** Allow more groups than scan points (upstream OVERSAMPLING-001: must be asked for explicitly). */
  readonly oversampling: boolean;
}

export interface Groups {
  readonly channels: number;
  /** (n, C) row-major: scan indices of each group, the seed point first. */
  readonly nnIndices: Int32Array;
  readonly count: number;
}

/** The k nearest other points of point i (exact; ties by lower index). */
export function nearestNeighbours(x: ArrayLike<number>, y: ArrayLike<number>, i: number, k: number): number[] {
  const candidates: { j: number; d: number }[] = [];
  for (let j = 0; j < x.length; j++) if (j !== i) candidates.push({ j, d: (x[j] - x[i]) ** 2 + (y[j] - y[i]) ** 2 });
  candidates.sort((a, b) => a.d - b.d || a.j - b.j);
  return candidates.slice(0, k).map((c) => c.j);
}

/**
 * Forms the groups. gridsize 1: each group is one seed point. gridsize > 1: the seed point plus C − 1 of its
 * `neighbours` nearest points, drawn without replacement from rngFor(seed, 'ptycho', 'group', g). (Upstream draws
 * all C from the K neighbours excluding the seed; keeping the seed makes channel 0 the scan position the group is
 * named after.) Every misuse is an error that says which setting to change, never a silent reshape.
 */
export function groupNeighbours(x: ArrayLike<number>, y: ArrayLike<number>, o: GroupingOptions): Groups {
  const m = x.length;
  const c = o.gridsize * o.gridsize;
  if (!Number.isInteger(o.gridsize) || o.gridsize < 1) throw new RangeError(`gridsize must be a positive integer, got ${o.gridsize}`);
  if (o.nGroups < 1) throw new RangeError(`n_groups must be ≥ 1, got ${o.nGroups}`);
  if (c > m) throw new RangeError(`gridsize ${o.gridsize} needs ${c} scan positions per group but the scan has only ${m}`);
  if (o.nGroups > m) {
    if (c === 1) throw new RangeError(`n_groups ${o.nGroups} exceeds the ${m} scan positions; with gridsize 1 each group is one position, so use n_groups ≤ ${m}`);
    if (!o.oversampling) {
      throw new RangeError(
        `n_groups ${o.nGroups} exceeds the ${m} scan positions; forming more groups than positions reuses positions in different neighbour combinations, which must be enabled explicitly (enable_oversampling: true), or lower n_groups to ≤ ${m}`,
      );
    }
  }
  if (c > 1 && o.neighbours < c - 1) {
    throw new RangeError(`neighbor_count ${o.neighbours} is too small: a gridsize ${o.gridsize} group needs ${c - 1} neighbours of its seed point; use neighbor_count ≥ ${c - 1}`);
  }
  if (c > 1 && o.neighbours > m - 1) throw new RangeError(`neighbor_count ${o.neighbours} exceeds the ${m - 1} other scan positions; lower it`);
  const seeds = seedPoints(m, o);
  const nn = new Int32Array(o.nGroups * c);
  const pools = new Map<number, number[]>();
  seeds.forEach((s, g) => {
    nn[g * c] = s;
    if (c === 1) return;
    let pool = pools.get(s);
    if (!pool) pools.set(s, (pool = nearestNeighbours(x, y, s, o.neighbours)));
    const pick = rngFor(o.seed, 'ptycho', 'group', g).permutation(pool.length);
    for (let k = 1; k < c; k++) nn[g * c + k] = pool[pick[k - 1]];
  });
  return { channels: c, nnIndices: nn, count: o.nGroups };
}

/** Seed points: the first n, or a seeded permutation; beyond M (oversampling) the permutation repeats, reshuffled. */
function seedPoints(m: number, o: GroupingOptions): number[] {
  const out: number[] = [];
  for (let round = 0; out.length < o.nGroups; round++) {
    const order = o.sequential ? Int32Array.from({ length: m }, (_, i) => i) : rngFor(o.seed, 'ptycho', 'seeds', round).permutation(m);
    for (const i of order) if (out.length < o.nGroups) out.push(i);
  }
  return out;
}
