import type { Tensor } from '../../graph/tensor.ts';
import type { LossBuilder, LossTerm } from '../loss-scope.ts';
import type { LossContext, LossTermConfig } from './loss-kind.ts';
import { lossKinds } from './loss-kinds.ts';

/**
 * The loss builder of a `train.loss` section: one term per entry, each built by the kind it names and checked
 * against the model and the data. `context` is what the adapter declares about its data
 * (DataAdapter.lossContext), for the kinds that read it. Every caller (training run, parity, a checkpoint's
 * rebuild) goes through here, so each accepts every listed kind.
 */
export function lossBuilder(terms: Readonly<Record<string, LossTermConfig>>, section = 'train.loss', context: LossContext = {}): LossBuilder {
  const entries = Object.entries(terms);
  if (entries.length === 0) throw new Error(`${section}: no loss terms; add at least one, e.g. ${section}.data: {kind: mse, output: y, target: y}`);
  return (scope) => {
    const out: Record<string, LossTerm> = {};
    for (const [name, t] of entries) {
      const where = `${section}.${name}`;
      const kind = lossKinds.get(t.kind);
      if (!kind) throw new Error(`${where}.kind: ${lossKinds.unknownMessage(t.kind)}. ${lossKinds.unknownHint(t.kind)}`);
      out[name] = { value: kind.build(scope, t, where, context), weight: t.weight };
    }
    return out;
  };
}

/** Every term's estimates after training, as `<term>.<name>` → value (empty when no term trains any). */
export function lossTermEstimates(terms: Readonly<Record<string, LossTermConfig>>, state: ReadonlyMap<string, Tensor>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, t] of Object.entries(terms)) {
    for (const [k, v] of Object.entries(lossKinds.get(t.kind)?.estimates?.(t, state) ?? {})) out[`${name}.${k}`] = v;
  }
  return out;
}
