import { GraphError } from '../../../graph/errors.ts';
import { tensor, toNumbers } from '../../../graph/tensor.ts';
import type { ImportOp } from './import-op.ts';

/**
 * Dropout is the identity in inference (an eval export, or `training_mode` false). In a training export it
 * draws a fresh mask each step; tandem's parity needs every backend and the torch reference to compute the
 * same function, so a training-mode Dropout with a non-zero ratio is refused rather than silently dropped.
 * The ratio must be known at import (an attribute before opset 12, a constant input since).
 */
export const dropout: ImportOp = {
  attrs: { seed: { type: 'int' }, ratio: { type: 'float' } },
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
    if (training && ratio > 0) {
      throw new GraphError(
        node.name,
        'Dropout',
        `the model was exported in training mode, where Dropout (ratio ${ratio}) draws a random mask at every step; tandem refuses it because the mask would differ between backends and the torch reference. ` +
          'Export with model.eval() (Dropout is then removed) or set the dropout probability to 0',
      );
    }
    const v = ctx.value(x);
    // The optional mask output: every element kept.
    return node.outputs[1] ? [v, tensor('bool', v.shape, new Array<number>(v.shape.reduce((a, d) => a * d, 1)).fill(1))] : [v];
  },
};
