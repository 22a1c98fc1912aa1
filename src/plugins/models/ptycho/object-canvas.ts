import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { tensor } from '../../../graph/tensor.ts';

/**
 * Upstream's object_big in graph ops: the C complex patches of a group, (B, C, N, N, 2), are placed on one shared
 * canvas by the placement matrices R, Col (B, C, L, N) (src/physics/ptycho/placement.ts), averaged where they
 * overlap, and each channel's patch is cut back out. Overlapping scan positions therefore see ONE object, which is
 * what makes the phase problem well-posed (a single pattern fixes a patch only up to its own ambiguities).
 */
export function throughSharedCanvas(g: GraphBuilder, patches: Value, rows: Value, cols: Value): Value {
  const n = patches.shape[2];
  const colsT = g.transpose(cols, [0, 1, 3, 2]); // (B, C, N, L)
  const rowsT = g.transpose(rows, [0, 1, 3, 2]);
  const place = (p: Value) => g.matmul(g.matmul(rows, p), colsT); // (B, C, L, L)
  const ones = g.constant(tensor(patches.dtype, [n, n], new Array(n * n).fill(1)));
  // How many patches cover each canvas pixel (≥ 1 where any does; clamped so uncovered pixels stay 0, not 0/0).
  const coverage = g.max(g.reduceSum(place(ones), [1], true), g.scalar(1, patches.dtype));
  const part = (k: number) => {
    const p = g.squeeze(g.slice(patches, [k], [k + 1], [4]), [4]); // (B, C, N, N)
    const canvas = g.div(g.reduceSum(place(p), [1], true), coverage); // (B, 1, L, L)
    return g.unsqueeze(g.matmul(g.matmul(rowsT, canvas), cols), [4]); // (B, C, N, N, 1)
  };
  return g.concat([part(0), part(1)], 4);
}
