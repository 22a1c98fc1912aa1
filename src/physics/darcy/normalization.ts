/** Mean and (population) standard deviation of one field over the training samples. */
export interface FieldStats {
  readonly mean: number;
  readonly std: number;
}

/**
 * Statistics of the first `count` samples of `data` (samples of `perSample` values, stored one after another), in
 * float64. PhysicsNeMo normalises with fixed (mean, std) pairs per field (docs/reference/seed-systems.md §2.1); here they come from
 * the training split only, so nothing about the test split leaks into training.
 */
export function fieldStats(data: Float32Array, perSample: number, count: number): FieldStats {
  const n = perSample * count;
  if (n === 0 || n > data.length) throw new RangeError(`statistics need 1..${data.length / perSample} samples, got ${count}`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += data[i];
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (data[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n) };
}

/** (x − mean) / std, as a new array; a constant field (std 0) is only centred. */
export function normalized(data: Float32Array, stats: FieldStats): Float32Array {
  const scale = stats.std > 0 ? 1 / stats.std : 1;
  return data.map((v) => (v - stats.mean) * scale);
}
