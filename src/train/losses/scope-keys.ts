import type { Value } from '../../graph/builder.ts';
import { fmtShape } from '../../graph/shape-utils.ts';
import type { LossScope } from '../loss-scope.ts';

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
