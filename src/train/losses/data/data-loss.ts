import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { sameShape, fmtShape } from '../../../graph/shape-utils.ts';
import type { LossBuilder, LossScope, LossTerm } from '../../loss-scope.ts';
import { maskedMean, maskedRelativeL2 } from './masked.ts';
import { findLossTermKind, registeredLossTermKinds, type LossContext, type PhysicsTermConfig } from '../registry.ts';

/**
 * Data-fit loss terms named in config (`train.loss.<term>: {kind, output, target, weight}`), written in forward
 * ops so autodiff differentiates them like the model. Conventions follow torch so the reference can use its
 * own functions: `mse` = F.mse_loss (mean over every element), `l1` = F.l1_loss, `rel_l2` = the neural-operator
 * LpLoss(p=2): per sample ‖pred − target‖₂ / ‖target‖₂ over all non-batch axes, then the mean over the batch.
 * With `mask` (a [batch, 1] data key of 0/1) the means run over the selected rows only and `rel_l2` becomes the
 * field's relative error over them (./masked.ts): how PINN point sets share one batch.
 *
 * Other kinds (PINN residuals, initial conditions) come from the loss-term registry (../registry.ts);
 * `dataLossBuilder` builds both, so every caller (training run, parity) accepts every registered kind.
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
/** One `train.loss.<term>` section: a data-fit term or a registered physics kind. */
export type LossTermConfig = DataTermConfig | PhysicsTermConfig;

export const isDataTerm = (t: LossTermConfig): t is DataTermConfig => (DATA_LOSS_KINDS as readonly string[]).includes(t.kind);

/**
 * A loss builder from a config section: one term per entry, each checked against the model and the data.
 * `context` is what the adapter declares about its data (DataAdapter.lossContext), for the kinds that read it.
 */
export function dataLossBuilder(terms: Readonly<Record<string, LossTermConfig>>, section = 'train.loss', context: LossContext = {}): LossBuilder {
  const entries = Object.entries(terms);
  if (entries.length === 0) throw new Error(`${section}: no loss terms; add at least one, e.g. ${section}.data: {kind: mse, output: y, target: y}`);
  return (scope) => {
    const out: Record<string, LossTerm> = {};
    for (const [name, t] of entries) {
      const where = `${section}.${name}`;
      if (isDataTerm(t)) {
        out[name] = { value: dataTermValue(scope, t, where), weight: t.weight };
        continue;
      }
      const def = findLossTermKind(t.kind);
      if (!def) {
        throw new Error(`${where}.kind is "${t.kind}", which is not a loss-term kind; the kinds are: ${[...DATA_LOSS_KINDS, ...registeredLossTermKinds()].join(', ')}`);
      }
      out[name] = { value: def.build(scope, t, where, context), weight: t.weight };
    }
    return out;
  };
}

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

/** The model output `name`, or an error at config path `key` listing the outputs. */
export function scopeOutput(scope: LossScope, name: string, key: string): Value {
  const v = scope.outputs[name];
  if (!v) throw new Error(`${key} names "${name}", which the model does not produce; its outputs are: ${Object.keys(scope.outputs).join(', ')}`);
  return v;
}

/** The data key `name`, or an error at config path `key` listing the data keys. */
export function scopeInput(scope: LossScope, name: string, key: string): Value {
  const v = scope.inputs[name];
  if (!v) throw new Error(`${key} names "${name}", which is not a data key; the data provides: ${Object.keys(scope.inputs).join(', ')}`);
  return v;
}

/** A mask key: one 0/1 column per row of `rows` ([batch, 1]). */
export function scopeMask(scope: LossScope, name: string, rows: Value, key: string): Value {
  const mask = scopeInput(scope, name, key);
  if (mask.rank !== 2 || mask.shape[0] !== rows.shape[0] || mask.shape[1] !== 1) {
    throw new Error(`${key}: mask "${name}" has shape ${fmtShape(mask.shape)}; a mask is one 0/1 column per row, shape [${rows.shape[0]}, 1]`);
  }
  return mask;
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
