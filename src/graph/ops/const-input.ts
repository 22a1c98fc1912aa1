import { InferError, type InferInput } from '../op-def.ts';
import { toNumbers } from '../tensor.ts';

/**
 * The values of an input that fixes an output shape (Reshape shape, Slice bounds, Pad pads, axes …).
 * tandem infers fully static shapes, so such an input must be an initializer or a Constant node's output.
 * Returns undefined for an omitted optional input.
 */
export function constInts(input: InferInput | undefined, what: string): number[] | undefined {
  if (!input) return undefined;
  if (!input.constValue) {
    throw new InferError(`${what} (input "${input.name}") is computed, but shape input must be a constant: make it an initializer or a Constant node, since tandem infers static shapes`);
  }
  if (input.dtype !== 'int64' && input.dtype !== 'int32') throw new InferError(`${what} (input "${input.name}") must be int64, got ${input.dtype}`);
  return toNumbers(input.constValue);
}

/** Like constInts, for float inputs (Resize scales). */
export function constFloats(input: InferInput | undefined, what: string): number[] | undefined {
  if (!input) return undefined;
  if (!input.constValue) {
    throw new InferError(`${what} (input "${input.name}") is computed, but shape input must be a constant: make it an initializer or a Constant node, since tandem infers static shapes`);
  }
  return toNumbers(input.constValue);
}

/** Normalizes possibly negative axes against `rank`, refusing out-of-range and repeated axes. */
export function normalizeAxes(axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => {
    const n = a < 0 ? a + rank : a;
    if (n < 0 || n >= rank) throw new InferError(`axis ${a} is out of range for rank ${rank}`);
    return n;
  });
  if (new Set(out).size !== out.length) throw new InferError(`axes [${axes.join(', ')}] repeat an axis`);
  return out;
}
