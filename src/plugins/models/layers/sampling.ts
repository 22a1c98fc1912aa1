import type { GraphBuilder, Value } from '../../../graph/builder.ts';

/** Halves every spatial axis with a 2-wide max pool (torch MaxPoolNd(2)); the caller checks divisibility. */
export function downsample(g: GraphBuilder, x: Value): Value {
  const spatial = x.rank - 2;
  const two = new Array<number>(spatial).fill(2);
  return g.maxPool(x, { kernel_shape: two, strides: two });
}

/**
 * Doubles every spatial axis by nearest-neighbour repetition: torch Upsample(scale_factor=2, mode='nearest'),
 * whose source index floor(i/2) is ONNX Resize's asymmetric coordinates with floor rounding.
 */
export function upsample(g: GraphBuilder, x: Value): Value {
  const sizes = x.shape.map((n, i) => (i < 2 ? n : 2 * n));
  return g.resize(x, { sizes }, { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
}
