import { InferError, type InferInput, type OpDef } from '../op-def.ts';
import { broadcastShapes, fmtShape, normalizeAxis, sameShape } from '../shape-utils.ts';

/** Softmax (opset 13): normalizes along one axis (not the flattened trailing block of opset ≤ 11). */
const Softmax: OpDef = {
  op: 'Softmax',
  since: 13,
  arity: [1, 1],
  attrs: { axis: { type: 'int', default: -1 } },
  dtypes: ['float32', 'float64'],
  infer([x], attrs) {
    normalizeAxis(attrs.axis as number, x!.shape.length);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

/**
 * LayerNormalization (opset 17): normalizes over axes [axis, rank); Scale and optional B broadcast to that
 * block. Optional outputs Mean and InvStdDev keep the leading axes and have size 1 on the normalized ones.
 */
const LayerNormalization: OpDef = {
  op: 'LayerNormalization',
  since: 17,
  arity: [2, 3],
  outputs: 3,
  attrs: {
    axis: { type: 'int', default: -1 },
    epsilon: { type: 'float', default: 1e-5 },
    stash_type: { type: 'int', default: 1 },
  },
  dtypes: ['float32', 'float64'],
  infer([x, scale, b], attrs) {
    const r = x!.shape.length;
    const axis = normalizeAxis(attrs.axis as number, r);
    if (attrs.stash_type !== 1) throw new InferError(`stash_type ${attrs.stash_type} is not supported; tandem computes statistics in float (stash_type 1)`);
    const block = x!.shape.slice(axis);
    for (const p of [scale, b]) {
      if (!p) continue;
      if (p.dtype !== x!.dtype) throw new InferError(`input dtypes differ: ${x!.dtype}, ${p.dtype}`);
      if (!sameShape(broadcastShapes(p.shape, block), block)) throw new InferError(`${p.name} ${fmtShape(p.shape)} does not broadcast to the normalized block ${fmtShape(block)}`);
    }
    const stat = x!.shape.map((d, i) => (i < axis ? d : 1));
    return [
      { dtype: x!.dtype, shape: x!.shape },
      { dtype: 'float32', shape: stat },
      { dtype: 'float32', shape: stat },
    ];
  },
};

/** Scale, bias, mean and variance inputs of the per-channel normalizations: shape [C], the input's dtype. */
function checkPerChannel(x: InferInput, params: readonly (InferInput | undefined)[]): void {
  const c = x.shape[1];
  for (const p of params) {
    if (p!.dtype !== x.dtype) throw new InferError(`input dtypes differ: ${x.dtype}, ${p!.dtype} ("${p!.name}")`);
    if (!sameShape(p!.shape, [c])) throw new InferError(`"${p!.name}" is ${fmtShape(p!.shape)}, expected [${c}] (one value per channel of ${fmtShape(x.shape)})`);
  }
}

/**
 * BatchNormalization, per channel (axis 1). Opsets 9 to 15 agree on inference; training_mode arrived in 14.
 * Inference (training_mode = 0): Y = (X − input_mean)/√(input_var + ε)·scale + B; one output.
 * Training (training_mode = 1): Y normalizes with the batch's own mean and BIASED variance over every axis but
 * the channels, and two more outputs are the running statistics after this batch:
 *   running_mean = momentum·input_mean + (1 − momentum)·batch_mean
 *   running_var  = momentum·input_var  + (1 − momentum)·batch_var·n/(n − 1)   (n values per channel, n ≥ 2 to train)
 * The running variance uses the UNBIASED batch variance, as torch's BatchNorm does (ONNX writes the population
 * variance there; every training-mode model tandem imports is a torch export, and parity judges against torch).
 * ONNX's `momentum` is the weight of the old value: torch's momentum m exports as 1 − m.
 */
const BatchNormalization: OpDef = {
  op: 'BatchNormalization',
  since: 9,
  arity: [5, 5],
  outputs: 3,
  attrs: {
    epsilon: { type: 'float', default: 1e-5 },
    momentum: { type: 'float', default: 0.9 },
    training_mode: { type: 'int', default: 0 },
  },
  dtypes: ['float32', 'float64'],
  infer([x, ...params], attrs, outputCount = 1) {
    if (attrs.training_mode !== 0 && attrs.training_mode !== 1) throw new InferError(`training_mode must be 0 or 1, got ${attrs.training_mode}`);
    if (x!.shape.length < 2) throw new InferError(`X must be [N, C, …], got rank ${x!.shape.length}`);
    checkPerChannel(x!, params);
    const y = { dtype: x!.dtype, shape: x!.shape };
    if (attrs.training_mode === 0) {
      if (outputCount > 1) throw new InferError('in inference mode (training_mode = 0) the only output is Y; running_mean and running_var are training-mode outputs');
      return [y];
    }
    // One value per channel (a batch of 1 after global pooling) has no unbiased variance; the training run refuses
    // to train at such a batch (as torch does), while inference-mode graphs built at that size stay valid.
    const stat = { dtype: x!.dtype, shape: [x!.shape[1]] };
    return [y, stat, stat];
  },
};

/** InstanceNormalization (opset 6): each (sample, channel) normalized over its spatial axes, then scale and B per channel. */
const InstanceNormalization: OpDef = {
  op: 'InstanceNormalization',
  since: 6,
  arity: [3, 3],
  attrs: { epsilon: { type: 'float', default: 1e-5 } },
  dtypes: ['float32', 'float64'],
  infer([x, ...params]) {
    if (x!.shape.length < 3) throw new InferError(`input must be [N, C, spatial…] with at least one spatial axis, got rank ${x!.shape.length}`);
    checkPerChannel(x!, params);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

/**
 * GroupNormalization (opset 18): the C channels fall into `num_groups` groups of C/G; each (sample, group) is
 * standardized over its channels and spatial axes (biased variance), then scale and bias per GROUP ([G], as opset 18
 * defines them; opset 21 made them per channel, which is torch's nn.GroupNorm: the builder's `groupNorm` composes that).
 */
const GroupNormalization: OpDef = {
  op: 'GroupNormalization',
  since: 18,
  arity: [3, 3],
  attrs: { epsilon: { type: 'float', default: 1e-5 }, num_groups: { type: 'int' } },
  dtypes: ['float32', 'float64'],
  infer([x, scale, bias], attrs) {
    const groups = attrs.num_groups as number | undefined;
    if (groups === undefined) throw new InferError('num_groups is required');
    if (x!.shape.length < 2) throw new InferError(`X must be [N, C, …], got rank ${x!.shape.length}`);
    const c = x!.shape[1];
    if (groups < 1 || c % groups !== 0) throw new InferError(`num_groups ${groups} does not divide the ${c} channels (axis 1)`);
    for (const [what, p] of [['scale', scale!], ['bias', bias!]] as const) {
      if (p.dtype !== x!.dtype) throw new InferError(`${what} is ${p.dtype}, but X is ${x!.dtype}`);
      if (!sameShape(p.shape, [groups])) throw new InferError(`${what} must be [num_groups] = [${groups}] (opset 18: one per group), got ${fmtShape(p.shape)}`);
    }
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

export const normalizationOps: OpDef[] = [Softmax, LayerNormalization, BatchNormalization, InstanceNormalization, GroupNormalization];
