import type { Value } from '../../../graph/builder.ts';
import type { Shape } from '../../../graph/tensor.ts';
import type { Init } from '../../../contracts/init.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';

// Per parameter set, the values already declared: a model applied several times (an autoregressive rollout
// unrolls it once per step) must reuse its weights, while ParameterSet.declare refuses a second declaration.
const declared = new WeakMap<ParameterSet, Map<string, Value>>();

/** Declares a parameter once; later calls with the same name return the same graph input (same shape required). */
export function param(params: ParameterSet, name: string, shape: Shape, init: Init): Value {
  let seen = declared.get(params);
  if (!seen) declared.set(params, (seen = new Map()));
  const known = seen.get(name);
  if (known) {
    if (known.shape.join(',') !== shape.join(',')) {
      throw new Error(`parameter "${name}" is used with shape [${shape.join(', ')}] but was declared [${known.shape.join(', ')}]; two layers share a name`);
    }
    return known;
  }
  const v = params.declare(name, shape, init);
  seen.set(name, v);
  return v;
}
