import type { AttrValue } from '../ir.ts';
import { InferError } from '../op-def.ts';

/** The sliding-window geometry of a Conv or pooling node, with auto_pad resolved to explicit pads. */
export interface Window {
  readonly kernel: number[];
  readonly strides: number[];
  readonly dilations: number[];
  /** ONNX order: all begins, then all ends. */
  readonly pads: number[];
  /** Output spatial extent. */
  readonly out: number[];
}

const AUTO_PADS = ['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'];

function perAxis(v: AttrValue | undefined, k: number, fill: number, name: string): number[] {
  const a = (v as number[] | undefined) ?? [];
  if (a.length === 0) return new Array(k).fill(fill);
  if (a.length !== k) throw new InferError(`${name} has ${a.length} values, expected ${k} (one per spatial axis)`);
  if (a.some((x) => x < 1)) throw new InferError(`${name} must be ≥ 1, got [${a.join(', ')}]`);
  return [...a];
}

/**
 * Resolves strides, dilations, pads and auto_pad of a windowed op over spatial extent `spatial` (opset 17
 * rules). Backends that take explicit padding (torch, tfjs) use the resolved `pads`; `ceil` is pooling's
 * ceil_mode, where, as in ORT and PyTorch, a last window starting inside the end padding is dropped.
 */
export function resolveWindow(spatial: readonly number[], kernel: readonly number[], attrs: Readonly<Record<string, AttrValue>>, ceil = false): Window {
  const k = spatial.length;
  if (kernel.length !== k) throw new InferError(`kernel has ${kernel.length} spatial axes, input has ${k}`);
  const strides = perAxis(attrs.strides, k, 1, 'strides');
  const dilations = perAxis(attrs.dilations, k, 1, 'dilations');
  const autoPad = (attrs.auto_pad as string | undefined) ?? 'NOTSET';
  if (!AUTO_PADS.includes(autoPad)) throw new InferError(`auto_pad "${autoPad}" is not one of ${AUTO_PADS.join(', ')}`);
  const given = (attrs.pads as number[] | undefined) ?? [];
  if (given.length && autoPad !== 'NOTSET') throw new InferError(`pads and auto_pad "${autoPad}" cannot both be set`);
  if (given.length && given.length !== 2 * k) throw new InferError(`pads has ${given.length} values, expected ${2 * k}`);
  if (given.some((p) => p < 0)) throw new InferError(`pads must be ≥ 0, got [${given.join(', ')}]`);
  if (autoPad.startsWith('SAME') && dilations.some((d) => d > 1)) {
    throw new InferError(`auto_pad "${autoPad}" with dilations [${dilations.join(', ')}] is refused (onnxruntime does not implement it); give explicit pads instead`);
  }
  const pads = given.length ? [...given] : new Array(2 * k).fill(0);
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const span = (kernel[i] - 1) * dilations[i] + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      out.push(Math.ceil(spatial[i] / strides[i]));
      const total = Math.max(0, (out[i] - 1) * strides[i] + span - spatial[i]);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + k] = total - pads[i];
      continue;
    }
    const room = spatial[i] + pads[i] + pads[i + k] - span;
    if (room < 0) throw new InferError(`window of extent ${span} on axis ${i} is larger than the padded input ${spatial[i] + pads[i] + pads[i + k]}`);
    let o = (ceil ? Math.ceil(room / strides[i]) : Math.floor(room / strides[i])) + 1;
    if (ceil && (o - 1) * strides[i] >= spatial[i] + pads[i]) o--;
    out.push(o);
  }
  return { kernel: [...kernel], strides, dilations, pads, out };
}

export const windowAttrs = {
  auto_pad: { type: 'string', default: 'NOTSET' },
  kernel_shape: { type: 'ints' },
  pads: { type: 'ints' },
  strides: { type: 'ints' },
} as const;

/** Input must be [N, C, spatial…] with 1 to 3 spatial axes. */
export function checkSpatialRank(shape: readonly number[], op: string): void {
  if (shape.length < 3 || shape.length > 5) throw new InferError(`${op} takes [N, C, spatial…] with 1 to 3 spatial axes, got rank ${shape.length}`);
}
