import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { sameShape, fmtShape } from '../../../graph/shape-utils.ts';
import type { LossScope } from '../../loss-scope.ts';
import type { LossKindDefinition, LossTermConfig } from '../loss-kind.ts';
import { scopeInput, scopeMask, scopeOutput } from '../scope-keys.ts';
import { maskedMean, maskedRelativeL2 } from './masked.ts';

/**
 * Data-fit loss terms named in config (`train.loss.<term>: {kind, output, target, weight}`), written in forward
 * ops so autodiff differentiates them like the model. Conventions follow torch so the reference can use its
 * own functions: `mse` = F.mse_loss (mean over every element), `l1` = F.l1_loss, `rel_l2` = the neural-operator
 * LpLoss(p=2): per sample ‖pred − target‖₂ / ‖target‖₂ over all non-batch axes, then the mean over the batch.
 * With `mask` (a [batch, 1] data key of 0/1) the means run over the selected rows only and `rel_l2` becomes the
 * field's relative error over them (./masked.ts): how PINN point sets share one batch.
 */
export const DATA_LOSS_KINDS = ['mse', 'l1', 'rel_l2'] as const;
export type DataLossKind = (typeof DATA_LOSS_KINDS)[number];

export const dataTermSchema = z.strictObject({
  kind: z.enum(DATA_LOSS_KINDS).default('mse'),
  output: z.string().min(1).describe('the model output compared'),
  target: z.string().min(1).describe('the data key it is compared with'),
  mask: z.string().min(1).optional().describe('a [batch, 1] 0/1 data key: compare only the rows it selects'),
  weight: z.number().nonnegative().default(1),
});
export type DataTermConfig = z.infer<typeof dataTermSchema>;

export const isDataTerm = (t: LossTermConfig): t is DataTermConfig => (DATA_LOSS_KINDS as readonly string[]).includes(t.kind);

const dataKind = (name: DataLossKind, description: string): LossKindDefinition<DataTermConfig> => ({
  name,
  description,
  params: dataTermSchema,
  build: (scope, t, where) => dataTermValue(scope, t, where),
});

/** The three data-fit kinds, as the loss-kind list holds them. */
export const dataLossKinds = [
  dataKind('mse', 'mean squared error of an output against a data key (torch F.mse_loss); with mask, over the selected rows'),
  dataKind('l1', 'mean absolute error of an output against a data key (torch F.l1_loss); with mask, over the selected rows'),
  dataKind('rel_l2', 'relative L2 error ‖pred − target‖/‖target‖ per sample, averaged over the batch; with mask, the field\'s error over the selected rows'),
];

/** One data term, its output, target and mask checked against the model and the data first. */
export function dataTermValue(scope: LossScope, t: DataTermConfig, where: string): Value {
  const pred = scopeOutput(scope, t.output, `${where}.output`);
  const target = scopeInput(scope, t.target, `${where}.target`);
  if (!sameShape(pred.shape, target.shape)) {
    throw new Error(`${where}: output "${t.output}" has shape ${fmtShape(pred.shape)} but target "${t.target}" has ${fmtShape(target.shape)}; they must match`);
  }
  if (t.mask === undefined) return dataTerm(scope.g, t.kind, pred, target);
  const mask = scopeMask(scope, t.mask, pred, `${where}.mask`);
  const diff = scope.g.sub(pred, target);
  switch (t.kind) {
    case 'mse':
      return maskedMean(scope.g, scope.g.mul(diff, diff), mask);
    case 'l1':
      return maskedMean(scope.g, scope.g.abs(diff), mask);
    case 'rel_l2':
      return maskedRelativeL2(scope.g, pred, target, mask);
  }
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
