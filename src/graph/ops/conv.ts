import type { AttrValue } from '../ir.ts';
import { InferError, type InferInput, type OpDef } from '../op-def.ts';
import { fmtShape } from '../shape-utils.ts';
import { checkSpatialRank, resolveWindow, windowAttrs } from './window.ts';

const convAttrs = { ...windowAttrs, dilations: { type: 'ints' }, group: { type: 'int', default: 1 } } as const;

function kernelOf(w: InferInput, attrs: Readonly<Record<string, AttrValue>>): number[] {
  const fromW = w.shape.slice(2);
  const given = attrs.kernel_shape as number[] | undefined;
  if (given && given.length && given.join() !== fromW.join()) {
    throw new InferError(`kernel_shape [${given.join(', ')}] disagrees with the weight's spatial shape ${fmtShape(fromW)}`);
  }
  return fromW;
}

function checkCommon(x: InferInput, w: InferInput, b: InferInput | undefined, op: string): void {
  checkSpatialRank(x.shape, op);
  if (w.shape.length !== x.shape.length) throw new InferError(`weight ${fmtShape(w.shape)} must have the input's rank ${x.shape.length}`);
  if (w.dtype !== x.dtype || (b && b.dtype !== x.dtype)) throw new InferError('input dtypes differ');
}

/** Conv (opset 11): X [N, C, …], W [M, C/group, k…], optional B [M]. */
export const Conv: OpDef = {
  op: 'Conv',
  since: 11,
  arity: [2, 3],
  attrs: convAttrs,
  dtypes: ['float32', 'float64'],
  infer([x, w, b], attrs) {
    checkCommon(x!, w!, b, 'Conv');
    const group = attrs.group as number;
    const [n, c] = x!.shape;
    const m = w!.shape[0];
    if (group < 1 || c % group !== 0 || m % group !== 0) throw new InferError(`group ${group} must divide input channels ${c} and output channels ${m}`);
    if (w!.shape[1] !== c / group) throw new InferError(`weight has ${w!.shape[1]} input channels per group, input gives ${c}/${group} = ${c / group}`);
    if (b && (b.shape.length !== 1 || b.shape[0] !== m)) throw new InferError(`bias ${fmtShape(b.shape)} must be [${m}]`);
    const win = resolveWindow(x!.shape.slice(2), kernelOf(w!, attrs), attrs);
    return [{ dtype: x!.dtype, shape: [n, m, ...win.out] }];
  },
};

/**
 * ConvTranspose (opset 11): X [N, C, …], W [C, M/group, k…], optional B [M]. Output extent per axis is
 * stride·(in−1) + output_padding + (k−1)·dilation + 1 − pad_begin − pad_end, or `output_shape` when given.
 */
export const ConvTranspose: OpDef = {
  op: 'ConvTranspose',
  since: 11,
  arity: [2, 3],
  attrs: { ...convAttrs, output_padding: { type: 'ints' }, output_shape: { type: 'ints' } },
  dtypes: ['float32', 'float64'],
  infer([x, w, b], attrs) {
    checkCommon(x!, w!, b, 'ConvTranspose');
    const group = attrs.group as number;
    const [n, c] = x!.shape;
    if (w!.shape[0] !== c) throw new InferError(`weight has ${w!.shape[0]} input channels, input has ${c}`);
    const m = w!.shape[1] * group;
    if (b && (b.shape.length !== 1 || b.shape[0] !== m)) throw new InferError(`bias ${fmtShape(b.shape)} must be [${m}]`);
    const out = convTransposeGeometry(x!.shape.slice(2), kernelOf(w!, attrs), attrs).out;
    return [{ dtype: x!.dtype, shape: [n, m, ...out] }];
  },
};

/** ConvTranspose's explicit pads and output extent (ONNX opset 11 rules, shared with backends that lower it). */
export function convTransposeGeometry(spatial: readonly number[], kernel: readonly number[], attrs: Readonly<Record<string, AttrValue>>): { pads: number[]; out: number[] } {
  const k = spatial.length;
  const list = (name: string, fill: number): number[] => {
    const v = (attrs[name] as number[] | undefined) ?? [];
    if (v.length && v.length !== k) throw new InferError(`${name} has ${v.length} values, expected ${k}`);
    return v.length ? [...v] : new Array(k).fill(fill);
  };
  const strides = list('strides', 1);
  const dilations = list('dilations', 1);
  const outPad = list('output_padding', 0);
  outPad.forEach((p, i) => {
    if (p >= Math.max(strides[i], dilations[i])) throw new InferError(`output_padding ${p} on axis ${i} must be smaller than the stride or dilation`);
  });
  const autoPad = (attrs.auto_pad as string | undefined) ?? 'NOTSET';
  const given = (attrs.pads as number[] | undefined) ?? [];
  if (given.length && given.length !== 2 * k) throw new InferError(`pads has ${given.length} values, expected ${2 * k}`);
  const pads = given.length ? [...given] : new Array(2 * k).fill(0);
  const full = spatial.map((s, i) => strides[i] * (s - 1) + outPad[i] + (kernel[i] - 1) * dilations[i] + 1);
  const target = (attrs.output_shape as number[] | undefined) ?? [];
  if (target.length || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const want = target.length ? target : spatial.map((s, i) => s * strides[i]);
    if (want.length !== k) throw new InferError(`output_shape has ${want.length} values, expected ${k}`);
    for (let i = 0; i < k; i++) {
      // A target beyond the full extent is reached by zero output at the tail (negative total → no padding),
      // as ORT does. SAME_UPPER puts the odd pad at the end (ONNX: pads[begin] = total/2, rounded down); checked
      // against ORT with explicit pads in tests/graph/conv-transpose-same.test.ts.
      const total = Math.max(0, full[i] - want[i]);
      const half = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? half : total - half;
      pads[i + k] = total - pads[i];
    }
    return { pads, out: [...want] };
  }
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw new InferError(`auto_pad "${autoPad}" is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER`);
  const out = full.map((f, i) => f - pads[i] - pads[i + k]);
  if (out.some((o) => o < 1)) throw new InferError(`pads [${pads.join(', ')}] leave an empty output`);
  return { pads, out };
}
