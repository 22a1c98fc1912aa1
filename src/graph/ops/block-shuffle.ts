import { InferError } from '../op-def.ts';
import type { Shape } from '../tensor.ts';

/**
 * DepthToSpace and SpaceToDepth are a Reshape, a Transpose and a Reshape of an NCHW tensor. This is that
 * recipe, shared by shape inference, the tfjs kernel and the gradient rule (which undoes it by the inverse
 * permutation). Modes as ONNX defines them: DCR (depth-column-row) and CRD (column-row-depth, torch's
 * PixelShuffle); SpaceToDepth has one order, the inverse of DCR.
 */
export interface BlockShuffle {
  /** The 6-D shape the input is reshaped to. */
  readonly split: number[];
  /** The permutation applied to it. */
  readonly perm: number[];
  /** The 4-D output shape. */
  readonly out: number[];
}

export function blockShuffle(op: 'DepthToSpace' | 'SpaceToDepth', shape: Shape, blocksize: number, mode = 'DCR'): BlockShuffle {
  if (shape.length !== 4) throw new InferError(`${op} takes a rank-4 NCHW input, got rank ${shape.length}`);
  if (!(blocksize >= 1)) throw new InferError(`blocksize must be ≥ 1, got ${blocksize}`);
  const [n, c, h, w] = shape;
  const b = blocksize;
  if (op === 'SpaceToDepth') {
    if (h % b || w % b) throw new InferError(`height ${h} and width ${w} must be multiples of blocksize ${b}`);
    return { split: [n, c, h / b, b, w / b, b], perm: [0, 3, 5, 1, 2, 4], out: [n, c * b * b, h / b, w / b] };
  }
  if (c % (b * b)) throw new InferError(`channels ${c} must be a multiple of blocksize² = ${b * b}`);
  const out = [n, c / (b * b), h * b, w * b];
  if (mode === 'DCR') return { split: [n, b, b, c / (b * b), h, w], perm: [0, 3, 4, 1, 5, 2], out };
  if (mode === 'CRD') return { split: [n, c / (b * b), b, b, h, w], perm: [0, 1, 4, 2, 5, 3], out };
  throw new InferError(`mode "${mode}" is not DCR or CRD`);
}

/** The permutation that undoes `perm`. */
export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}
