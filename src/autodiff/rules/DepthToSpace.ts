import { blockShuffle } from '../../graph/ops/block-shuffle.ts';
import { unshuffle } from '../block-shuffle-grad.ts';
import type { GradRule } from '../rule.ts';

/** DepthToSpace permutes elements (both modes): the gradient is g permuted back. */
export const DepthToSpaceGrad: GradRule = {
  op: 'DepthToSpace',
  grad: (ctx) => [unshuffle(ctx, blockShuffle('DepthToSpace', ctx.x[0]!.shape, ctx.attr<number>('blocksize'), ctx.attr<string>('mode')))],
};
