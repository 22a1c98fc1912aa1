import { GraphError } from '../../../graph/errors.ts';
import { tensor, toNumbers } from '../../../graph/tensor.ts';
import type { ImportOp } from './import-op.ts';

/**
 * Dropout is the identity in inference (an eval export, or `training_mode` false). In a training export it drops
 * each element with probability `ratio` and scales the rest by 1/(1−ratio), with a fresh random mask every step.
 * tandem's parity needs every backend and the torch reference to compute the same function, so the mask is not
 * drawn inside the graph: it becomes an input (`<node>/mask`, already scaled) that the trainer and parity feed
 * from the seeded RNG per step (contracts/dropout-masks.ts), and that evaluation and inference feed as ones.
 * The ratio and the mode must be known at import (an attribute before opset 12, constant inputs since); the
 * node's own `seed` attribute is not used: the experiment seed decides every mask.
 */
export const dropout: ImportOp = {
  attrs: { seed: { type: 'int' }, ratio: { type: 'float' } },
  constInputs: [1, 2],
  import(ctx, node) {
    const [x, ratioName, modeName] = node.inputs;
    const known = (name: string | undefined, what: string): number | undefined => {
      if (!name) return undefined;
      const c = ctx.constant(name);
      if (!c) {
        throw new GraphError(node.name, 'Dropout', `its ${what} "${name}" is a graph input or computed, not a constant; tandem reads Dropout's ${what} at import, so export it as a constant (nn.Dropout(p) exports one)`);
      }
      return toNumbers(c)[0];
    };
    const ratio = known(ratioName, 'ratio') ?? (node.attrs.ratio as number | undefined) ?? 0.5;
    const training = known(modeName, 'training_mode') ?? 0;
    const v = ctx.value(x);
    if (training && ratio > 0) {
      if (!(ratio < 1)) throw new GraphError(node.name, 'Dropout', `its ratio is ${ratio}; a training-mode Dropout needs a ratio in [0, 1) (1 would drop every element)`);
      const mask = ctx.dropoutMask(node, v.shape, ratio);
      const y = ctx.g.mul(v, mask);
      return node.outputs[1] ? [y, ctx.g.greater(mask, ctx.g.scalar(0, ctx.dtype))] : [y];
    }
    // The optional mask output: every element kept.
    return node.outputs[1] ? [v, tensor('bool', v.shape, new Array<number>(v.shape.reduce((a, d) => a * d, 1)).fill(1))] : [v];
  },
};
