import { z } from 'zod';
import type { GraphBuilder, Value } from '../graph/builder.ts';
import { sameShape, fmtShape } from '../graph/shape-utils.ts';
import type { LossBuilder, LossTerm } from './loss-scope.ts';

/**
 * Data-fit loss terms named in config (`train.loss.<term>: {kind, output, target, weight}`), written in forward
 * ops so autodiff differentiates them like the model. Conventions follow torch so the reference can use its
 * own functions: `mse` = F.mse_loss (mean over every element), `l1` = F.l1_loss, `rel_l2` = the neural-operator
 * LpLoss(p=2): per sample ‖pred − target‖₂ / ‖target‖₂ over all non-batch axes, then the mean over the batch.
 */
export const DATA_LOSS_KINDS = ['mse', 'l1', 'rel_l2'] as const;
export type DataLossKind = (typeof DATA_LOSS_KINDS)[number];

export const dataTermSchema = z.strictObject({
  kind: z.enum(DATA_LOSS_KINDS).default('mse'),
  output: z.string().min(1).describe('the model output compared'),
  target: z.string().min(1).describe('the data key it is compared with'),
  weight: z.number().nonnegative().default(1),
});
export type DataTermConfig = z.infer<typeof dataTermSchema>;

/** A loss builder from a config section: one term per entry, each checked against the model and the data. */
export function dataLossBuilder(terms: Readonly<Record<string, DataTermConfig>>, section = 'train.loss'): LossBuilder {
  const entries = Object.entries(terms);
  if (entries.length === 0) throw new Error(`${section}: no loss terms; add at least one, e.g. ${section}.data: {kind: mse, output: y, target: y}`);
  return (scope) => {
    const out: Record<string, LossTerm> = {};
    for (const [name, t] of entries) {
      const where = `${section}.${name}`;
      const pred = scope.outputs[t.output];
      if (!pred) {
        throw new Error(`${where}.output names "${t.output}", which the model does not produce; its outputs are: ${Object.keys(scope.outputs).join(', ')}`);
      }
      const target = scope.inputs[t.target];
      if (!target) {
        throw new Error(`${where}.target names "${t.target}", which is not a data key; the data provides: ${Object.keys(scope.inputs).join(', ')}`);
      }
      if (!sameShape(pred.shape, target.shape)) {
        throw new Error(`${where}: output "${t.output}" has shape ${fmtShape(pred.shape)} but target "${t.target}" has ${fmtShape(target.shape)}; they must match`);
      }
      out[name] = { value: dataTerm(scope.g, t.kind, pred, target), weight: t.weight };
    }
    return out;
  };
}

export function dataTerm(g: GraphBuilder, kind: DataLossKind, pred: Value, target: Value): Value {
  const diff = g.sub(pred, target);
  switch (kind) {
    case 'mse':
      return g.op1('ReduceMean', [g.mul(diff, diff)], { keepdims: 0 });
    case 'l1':
      return g.op1('ReduceMean', [g.abs(diff)], { keepdims: 0 });
    case 'rel_l2': {
      const axes = g.ints(pred.shape.slice(1).map((_, i) => i + 1));
      const norm = (v: Value) => g.sqrt(g.op1('ReduceSum', [g.mul(v, v), axes], { keepdims: 0 }));
      return g.op1('ReduceMean', [g.div(norm(diff), norm(target))], { keepdims: 0 });
    }
  }
}
