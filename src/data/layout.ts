import { sizeOf, type Shape } from '../graph/tensor.ts';
import { lanesOf, type DataArray } from './data-dtype.ts';
import { checkDims, namedTensor, type NamedTensor } from './named-tensor.ts';

/**
 * Layout changes, by dim name only. This is the one place where NCHW ↔ NHWC ↔ PhiML-style named layouts are
 * converted (docs/architecture.md "RawData / Container"); see specs/data-container.md "Layouts".
 */

/**
 * Letters of compact layout strings (PyTorch `NCHW`, `BVTHW`, ...). H and W are the first and second spatial
 * axes, which PhiML names x and y (its torch nets map spatial dims in order onto H, W); D is z. L (conv1d's
 * length) is x. X, Y, Z may be used directly.
 */
export const LAYOUT_LETTERS: Readonly<Record<string, string>> = {
  B: 'batch',
  N: 'batch',
  C: 'channel',
  V: 'vector',
  T: 'time',
  L: 'x',
  H: 'x',
  W: 'y',
  D: 'z',
  X: 'x',
  Y: 'y',
  Z: 'z',
};

const CANONICAL_LETTER: Readonly<Record<string, string>> = { batch: 'B', channel: 'C', vector: 'V', time: 'T', x: 'X', y: 'Y', z: 'Z' };

/**
 * Parses a layout: compact letters (`BVTHW` → batch, vector, time, x, y) or explicit names, comma separated and
 * optionally parenthesised (`(batch, time, x, y, vector)`). Unknown letters and repeated dims are errors.
 */
export function parseLayout(layout: string | readonly string[]): string[] {
  if (typeof layout !== 'string') return checked([...layout], String(layout));
  const text = layout.trim();
  if (/^[A-Z]+$/.test(text)) {
    const dims = [...text].map((ch) => {
      const dim = LAYOUT_LETTERS[ch];
      if (!dim) {
        throw new RangeError(
          `layout "${layout}": letter "${ch}" has no meaning; use ${Object.entries(LAYOUT_LETTERS)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}, or write dim names: (batch, time, x)`,
        );
      }
      return dim;
    });
    return checked(dims, layout);
  }
  const inner = text.startsWith('(') && text.endsWith(')') ? text.slice(1, -1) : text;
  return checked(
    inner.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    layout,
  );
}

/** The compact letter form when every dim has a letter (batch, channel, vector, time, x, y, z), else `(a, b, c)`. */
export function formatLayout(dims: readonly string[]): string {
  return dims.every((d) => CANONICAL_LETTER[d]) ? dims.map((d) => CANONICAL_LETTER[d]).join('') : `(${dims.join(', ')})`;
}

function checked(dims: string[], layout: string): string[] {
  try {
    checkDims(dims, dims.map(() => 0));
  } catch (e) {
    throw new RangeError(`layout "${layout}": ${(e as Error).message}`);
  }
  return dims;
}

/**
 * Reorders the axes of `t` to `target` (a list of names or a layout string). `target` must name exactly the
 * tensor's dims: a missing or unknown name is an error, never a positional fallback.
 */
export function permute(t: NamedTensor, target: string | readonly string[]): NamedTensor {
  const dims = parseLayout(target);
  const missing = t.dims.filter((d) => !dims.includes(d));
  const unknown = dims.filter((d) => !t.dims.includes(d));
  if (missing.length > 0 || unknown.length > 0) {
    throw new RangeError(
      `cannot permute (${t.dims.join(', ')}) to (${dims.join(', ')}):` +
        (unknown.length > 0 ? ` unknown dim ${unknown.map((d) => `"${d}"`).join(', ')};` : '') +
        (missing.length > 0 ? ` missing dim ${missing.map((d) => `"${d}"`).join(', ')};` : '') +
        ' the target must name every dim of the tensor exactly once',
    );
  }
  const perm = dims.map((d) => t.dims.indexOf(d));
  if (perm.every((p, i) => p === i)) return t;
  const data = transposeData(t.data, t.shape, perm, lanesOf(t.dtype));
  return namedTensor(
    t.dtype,
    perm.map((p) => t.shape[p]),
    dims,
    data,
  );
}

/**
 * Row-major transpose: output axis i is input axis perm[i]. `lanes` consecutive values move together
 * (2 for interleaved complex). One pass, an odometer over the output, no per-element allocation.
 */
export function transposeData(src: DataArray, shape: Shape, perm: readonly number[], lanes = 1): DataArray {
  const rank = shape.length;
  const n = sizeOf(shape);
  const out = new (src.constructor as new (len: number) => DataArray)(n * lanes);
  if (n === 0) return out;
  const inStrides = new Array<number>(rank);
  let s = lanes;
  for (let a = rank - 1; a >= 0; a--) {
    inStrides[a] = s;
    s *= shape[a];
  }
  const outShape = perm.map((p) => shape[p]);
  const stride = perm.map((p) => inStrides[p]);
  const index = new Array<number>(rank).fill(0);
  const o = out as unknown as { [i: number]: number | bigint };
  const v = src as unknown as { [i: number]: number | bigint };
  const innerLen = rank > 0 ? outShape[rank - 1] : 1;
  const innerStride = rank > 0 ? stride[rank - 1] : 0;
  let offset = 0; // input offset of the current output row start
  for (let w = 0; w < n * lanes; ) {
    let p = offset;
    for (let k = 0; k < innerLen; k++, p += innerStride) {
      for (let l = 0; l < lanes; l++) o[w++] = v[p + l];
    }
    // advance the odometer over all but the innermost output axis
    for (let a = rank - 2; a >= 0; a--) {
      index[a]++;
      offset += stride[a];
      if (index[a] < outShape[a]) break;
      offset -= stride[a] * outShape[a];
      index[a] = 0;
    }
  }
  return out;
}
