import { blockShuffle } from '../../graph/ops/block-shuffle.ts';
import { unshuffle } from '../block-shuffle-grad.ts';
import type { GradRule } from '../rule.ts';

/** SpaceToDepth permutes elements: the gradient is g permuted back. */
export const SpaceToDepthGrad: GradRule = {
  op: 'SpaceToDepth',
  grad: (ctx) => [unshuffle(ctx, blockShuffle('SpaceToDepth', ctx.x[0]!.shape, ctx.attr<number>('blocksize')))],
};
